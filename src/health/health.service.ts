import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { DependencyCheck } from '../common/dependency-check.js';
import { DatabaseHealthService } from '../database/database-health.service.js';
import { KubernetesHealthService } from '../kubernetes/kubernetes-health.service.js';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface HealthReport {
  status: 'healthy' | 'unhealthy';
  service: 'streamspace-api';
  version: string;
  checks: { database: DependencyCheck; kubernetes: DependencyCheck };
  timestamp: string;
}

export interface VersionInfo {
  version: string;
  api: 'v1';
  commit: string;
}

/** api-contract §3.13. */
@Injectable()
export class HealthService {
  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseHealthService,
    private readonly kubernetes: KubernetesHealthService,
  ) {}

  async health(): Promise<HealthReport> {
    const [database, kubernetes] = await Promise.all([this.database.check(), this.kubernetes.check()]);
    return {
      status: database.status === 'up' && kubernetes.status === 'up' ? 'healthy' : 'unhealthy',
      service: 'streamspace-api',
      version: PACKAGE_VERSION,
      checks: { database, kubernetes },
      timestamp: new Date().toISOString(),
    };
  }

  version(): VersionInfo {
    return { version: PACKAGE_VERSION, api: 'v1', commit: this.config.gitCommit };
  }
}
