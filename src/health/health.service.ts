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

/** A report is reused while it is younger than this, so a flood of probes costs one check per period. */
export const HEALTH_REPORT_MAX_AGE_MS = 2000;

/** api-contract §3.13. */
@Injectable()
export class HealthService {
  private latest: { report: HealthReport; startedAt: number } | undefined;
  private inFlight: Promise<HealthReport> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseHealthService,
    private readonly kubernetes: KubernetesHealthService,
  ) {}

  /** The latest report if it is at most 2 s old (counted from when its checks began), else a fresh one; one check runs at a time. */
  health(): Promise<HealthReport> {
    if (this.latest && Date.now() - this.latest.startedAt <= HEALTH_REPORT_MAX_AGE_MS)
      return Promise.resolve(this.latest.report);
    this.inFlight ??= this.check().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async check(): Promise<HealthReport> {
    const startedAt = Date.now();
    const report = await this.runChecks();
    this.latest = { report, startedAt };
    return report;
  }

  private async runChecks(): Promise<HealthReport> {
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
