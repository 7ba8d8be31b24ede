import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LeaderElection } from '../database/leader-election.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { SessionCache, TemplateCache } from '../kubernetes/resource-caches.js';
import { ManagedDeploymentCache } from './managed-deployment-cache.js';
import { ReconcileQueue } from './reconcile-queue.js';
import { SessionReconciler } from './session-reconciler.js';
import { SESSION_LABEL } from './session-workload.builder.js';

/** Full pass over every Session even without events (api-contract §5.8). */
export const RESYNC_INTERVAL_MS = 5 * 60_000;

/**
 * Decides when a Session is reconciled: on Session, Template and managed-Deployment events, at
 * each resync, and on becoming leader. Only the leader reconciles, and nothing runs (not even the
 * Deployment watch) when RECONCILER_ENABLED=false (§5.9).
 */
@Injectable()
export class SessionReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionReconcileScheduler.name);
  private readonly queue = new ReconcileQueue((name) => this.reconcileIfLeader(name));
  private readonly teardown: (() => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly leader: LeaderElection,
    private readonly sessions: SessionCache,
    private readonly templates: TemplateCache,
    private readonly deployments: ManagedDeploymentCache,
    private readonly reconciler: SessionReconciler,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.reconcilerEnabled) {
      this.logger.log('Session reconciler is switched off (RECONCILER_ENABLED=false)');
      return;
    }
    this.teardown.push(
      this.sessions.subscribe(({ type, object }) => {
        // Deletion is the garbage collector's job: the owned objects go with the Session.
        if (type !== 'deleted') this.enqueue(object.metadata.name);
      }),
      this.templates.subscribe(({ object }) => {
        for (const session of this.sessions.list()) {
          if (session.spec.template === object.metadata.name) this.enqueue(session.metadata.name);
        }
      }),
      this.deployments.subscribe(({ object }) => {
        const session = object.metadata.labels?.[SESSION_LABEL];
        if (session) this.enqueue(session);
      }),
      this.leader.onChange((isLeader) => {
        if (isLeader) void this.resync();
        else this.queue.clear();
      }),
    );
    this.deployments.start();
    const timer = setInterval(() => void this.resync(), RESYNC_INTERVAL_MS);
    timer.unref();
    this.teardown.push(() => clearInterval(timer));
    if (this.leader.isLeader) void this.resync();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.teardown.splice(0)) stop();
    this.deployments.stop();
    await this.queue.stop();
  }

  /** Enqueues every Session the cache holds, once it has synced. Never throws. */
  async resync(): Promise<void> {
    try {
      await this.sessions.ready;
      if (!this.leader.isLeader) return;
      for (const session of this.sessions.list()) this.enqueue(session.metadata.name);
    } catch (error) {
      this.logger.error(`resync failed: ${(error as Error)?.message ?? error}`);
    }
  }

  private enqueue(name: string): void {
    // Followers drop events: the leader's own watches and resyncs cover every Session.
    if (this.leader.isLeader) this.queue.add(name);
  }

  private async reconcileIfLeader(name: string): Promise<void | { requeueAfterMs: number }> {
    if (!this.leader.isLeader) return;
    return this.metrics.reconcile('Session', () => this.reconciler.reconcile(name));
  }
}
