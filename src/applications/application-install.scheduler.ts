import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LeaderElection } from '../database/leader-election.js';
import { TemplateCache } from '../kubernetes/custom-resource.cache.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { owningApplicationInstall } from '../templates/template.view.js';
import { ReconcileLoop } from '../kubernetes/reconcile-loop.js';
import { ApplicationInstallCache } from './application-install.cache.js';
import { ApplicationInstallReconciler } from './application-install.reconciler.js';

/**
 * Decides when an ApplicationInstall is reconciled: on its own events and on events of the
 * Template it owns (a Template deleted by hand is re-created), plus the shared loop's resyncs.
 */
@Injectable()
export class ApplicationInstallScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: ReconcileLoop;
  private readonly teardown: (() => void)[] = [];

  constructor(
    config: AppConfig,
    leader: LeaderElection,
    metrics: MetricsService,
    private readonly installs: ApplicationInstallCache,
    private readonly templates: TemplateCache,
    reconciler: ApplicationInstallReconciler,
  ) {
    this.loop = new ReconcileLoop(config.reconcilerEnabled, leader, metrics, {
      kind: 'ApplicationInstall',
      keys: () => this.installs.list().map((install) => install.metadata.name),
      // A Template event may come before the caches synced; judge nothing on a partial view.
      ready: () => Promise.all([this.installs.ready, this.templates.ready]),
      reconcile: (name) => reconciler.reconcile(name),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.loop.start()) return;
    this.teardown.push(
      this.installs.subscribe(({ type, object }) => {
        if (type !== 'deleted') this.reconcileNow(object.metadata.name);
      }),
      this.templates.subscribe(({ object }) => {
        const owner = owningApplicationInstall(object);
        if (owner) this.reconcileNow(owner);
      }),
    );
  }

  /** Resolves once no reconcile is waiting or running (tests: proof that the events were handled). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.teardown.splice(0)) stop();
    await this.loop.stop();
  }

  /** Queues the install at once (leader only). */
  reconcileNow(name: string): void {
    this.loop.enqueue(name);
  }
}
