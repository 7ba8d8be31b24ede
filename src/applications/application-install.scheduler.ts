import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LeaderElection } from '../database/leader-election.service.js';
import { TemplateCache } from '../kubernetes/resource-caches.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { owningApplicationInstall } from '../templates/template-view.js';
import { ReconcileQueue } from '../workloads/reconcile-queue.js';
import { ApplicationInstallCache } from './application-install.cache.js';
import { ApplicationInstallReconciler } from './application-install.reconciler.js';

/** Full pass over every ApplicationInstall even without events (api-contract §5.8). */
export const RESYNC_INTERVAL_MS = 5 * 60_000;

/**
 * Decides when an ApplicationInstall is reconciled: on its own events, on events of the Template
 * it owns (a Template deleted by hand is re-created), at each resync and on becoming leader. Only
 * the leader reconciles, and nothing runs with RECONCILER_ENABLED=false (§5.9). The shared keyed
 * queue bounds concurrency (10), never runs one key twice at once and retries with back-off.
 */
@Injectable()
export class ApplicationInstallScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApplicationInstallScheduler.name);
  private readonly queue = new ReconcileQueue((name) => this.reconcileIfLeader(name));
  private readonly teardown: (() => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly leader: LeaderElection,
    private readonly installs: ApplicationInstallCache,
    private readonly templates: TemplateCache,
    private readonly reconciler: ApplicationInstallReconciler,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.reconcilerEnabled) {
      this.logger.log('ApplicationInstall reconciler is switched off (RECONCILER_ENABLED=false)');
      return;
    }
    this.teardown.push(
      this.installs.subscribe(({ type, object }) => {
        if (type !== 'deleted') this.reconcileNow(object.metadata.name);
      }),
      this.templates.subscribe(({ object }) => {
        const owner = owningApplicationInstall(object);
        if (owner) this.reconcileNow(owner);
      }),
      this.leader.onChange((isLeader) => {
        if (isLeader) void this.resync();
        else this.queue.clear();
      }),
    );
    const timer = setInterval(() => void this.resync(), RESYNC_INTERVAL_MS);
    timer.unref();
    this.teardown.push(() => clearInterval(timer));
    if (this.leader.isLeader) void this.resync();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.teardown.splice(0)) stop();
    await this.queue.stop();
  }

  /** Queues the install at once (leader only; followers rely on the leader's own watches). */
  reconcileNow(name: string): void {
    if (this.config.reconcilerEnabled && this.leader.isLeader) this.queue.add(name);
  }

  /** Enqueues every cached install once both caches have synced. Never throws. */
  async resync(): Promise<void> {
    try {
      await Promise.all([this.installs.ready, this.templates.ready]);
      for (const install of this.installs.list()) this.reconcileNow(install.metadata.name);
    } catch (error) {
      this.logger.error(`resync failed: ${(error as Error)?.message ?? error}`);
    }
  }

  private async reconcileIfLeader(name: string): Promise<void> {
    if (!this.leader.isLeader) return;
    // A Template event may come before the caches synced; judge nothing on a partial view.
    await Promise.all([this.installs.ready, this.templates.ready]);
    await this.metrics.reconcile('ApplicationInstall', () => this.reconciler.reconcile(name));
  }
}
