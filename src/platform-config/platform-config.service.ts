import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { QuotaLimits } from '../quotas/quota-rules.js';

/** Typed platform settings (api-contract §6.8), computed values in seconds, millicores and MiB. */
export interface PlatformSettings {
  session: {
    defaultIdleTimeout: string;
    defaultMaxSessionDuration: string;
    enableAutoHibernation: boolean;
    autoHibernateDelay: string;
    /** '' = derive the URL from the ingress settings. */
    urlTemplate: string;
  };
  resources: { defaultMemory: string; defaultCpu: string };
  quota: QuotaLimits;
  storage: { homeSize: string; homeSizeMib: number; className: string; accessMode: 'ReadWriteOnce' | 'ReadWriteMany' };
  ingress: { enabled: boolean; domain: string; className: string; scheme: 'http' | 'https'; tlsSecretName: string };
}

/**
 * Platform settings. For now these are the contract's built-in defaults (with the INGRESS_* env
 * defaults); reading and live-reloading the `streamspace-config` ConfigMap belongs to the Config
 * issue, which keeps this interface: callers ask for `settings()` at each decision.
 */
@Injectable()
export class PlatformConfigService {
  constructor(private readonly config: AppConfig) {}

  settings(): PlatformSettings {
    return {
      session: {
        defaultIdleTimeout: '30m',
        defaultMaxSessionDuration: '8h',
        enableAutoHibernation: true,
        autoHibernateDelay: '30m',
        urlTemplate: '',
      },
      resources: { defaultMemory: '2Gi', defaultCpu: '1000m' },
      quota: {
        maxSessions: 5,
        maxCpuMillicores: 4000,
        maxMemoryMib: 8192,
        maxCpuPerSessionMillicores: 2000,
        maxMemoryPerSessionMib: 4096,
        maxStorageMib: 102_400,
      },
      storage: { homeSize: '50Gi', homeSizeMib: 51_200, className: '', accessMode: 'ReadWriteMany' },
      ingress: {
        enabled: true,
        domain: this.config.ingress.domain,
        className: this.config.ingress.className,
        scheme: 'https',
        tlsSecretName: '',
      },
    };
  }

  quotaDefaults(): QuotaLimits {
    return this.settings().quota;
  }
}
