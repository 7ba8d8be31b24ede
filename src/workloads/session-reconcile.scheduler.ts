import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LeaderElection } from '../database/leader-election.js';
import { ReconcileLoop } from '../kubernetes/reconcile-loop.js';
import { SessionCache, TemplateCache } from '../kubernetes/custom-resource.cache.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ManagedDeploymentCache } from './managed-deployment.cache.js';
import { SessionReconciler } from './session.reconciler.js';
import { SESSION_LABEL } from '../kubernetes/labels.js';

/**
 * Decides when a Session is reconciled: on Session, Template and managed-Deployment events, plus
 * the shared loop's resyncs (§5.8). Nothing runs, not even the Deployment watch, when
 * RECONCILER_ENABLED=false (§5.9).
 */
@Injectable()
export class SessionReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: ReconcileLoop;
  private readonly teardown: (() => void)[] = [];

  constructor(
    config: AppConfig,
    leader: LeaderElection,
    metrics: MetricsService,
    private readonly sessions: SessionCache,
    private readonly templates: TemplateCache,
    private readonly deployments: ManagedDeploymentCache,
    reconciler: SessionReconciler,
  ) {
    this.loop = new ReconcileLoop(config.reconcilerEnabled, leader, metrics, {
      kind: 'Session',
      keys: () => this.sessions.list().map((session) => session.metadata.name),
      ready: () => this.sessions.ready,
      reconcile: (name) => reconciler.reconcile(name),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.loop.start()) return;
    this.teardown.push(
      this.sessions.subscribe(({ type, object }) => {
        // Deletion is the garbage collector's job: the owned objects go with the Session.
        if (type !== 'deleted') this.loop.enqueue(object.metadata.name);
      }),
      this.templates.subscribe(({ object }) => {
        for (const session of this.sessions.list())
          if (session.spec.template === object.metadata.name) this.loop.enqueue(session.metadata.name);
      }),
      this.deployments.subscribe(({ object }) => {
        const session = object.metadata.labels?.[SESSION_LABEL];
        if (session) this.loop.enqueue(session);
      }),
    );
    this.deployments.start();
  }

  /** Resolves once no reconcile is waiting or running (tests: proof that the events were handled). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.teardown.splice(0)) stop();
    this.deployments.stop();
    await this.loop.stop();
  }
}
