import { Injectable } from '@nestjs/common';
import type { QuotaLimits } from '../quotas/quota-rules.js';

/**
 * Platform settings (api-contract §6.8). For now these are the contract's built-in defaults;
 * reading and live-reloading the `streamspace-config` ConfigMap belongs to the Config issue,
 * which will keep this interface.
 */
@Injectable()
export class PlatformConfigService {
  quotaDefaults(): QuotaLimits {
    return {
      maxSessions: 5,
      maxCpuMillicores: 4000,
      maxMemoryMib: 8192,
      maxCpuPerSessionMillicores: 2000,
      maxMemoryPerSessionMib: 4096,
      maxStorageMib: 102_400,
    };
  }
}
