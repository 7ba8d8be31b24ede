import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config.js';
import { LeaderElection } from '../database/leader-election.service.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../kubernetes/kubernetes-errors.js';
import { TemplateCache } from '../kubernetes/resource-caches.js';
import type { TemplateResource, TemplateStatus } from '../kubernetes/resources.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ReconcileQueue } from '../workloads/reconcile-queue.js';
import { templateSpecProblem } from './template-rules.js';

/** §5.8: full resync every 5 minutes (the queue bounds concurrency and backs off retries). */
const RESYNC_INTERVAL_MS = 5 * 60_000;

export const VALID_MESSAGE = 'Template is valid';

/** The status the reconciler wants a Template to have (§5.3). */
export function desiredTemplateStatus(template: TemplateResource): Required<TemplateStatus> {
  const problem = templateSpecProblem(template.spec);
  return { valid: problem === undefined, message: problem ?? VALID_MESSAGE, observedGeneration: template.metadata.generation ?? 0 };
}

/** Writes happen only when something changed, so our own status events end the loop. */
export function statusDiffers(current: TemplateStatus | undefined, desired: Required<TemplateStatus>): boolean {
  return current?.valid !== desired.valid || current.message !== desired.message || current.observedGeneration !== desired.observedGeneration;
}

/**
 * Validates every Template and records the result in its status (api-contract §5.3). Runs only on
 * the leader (§5.9) and only with RECONCILER_ENABLED; driven by the Template watch cache, a full
 * pass on gaining leadership and a periodic resync. One name is never reconciled concurrently
 * with itself; failures are logged and retried, never thrown out of an event handler.
 */
@Injectable()
export class TemplateValidationReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly queue = new ReconcileQueue((name) => this.metrics.reconcile('Template', () => this.reconcile(name)));
  private readonly unsubscribers: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly cache: TemplateCache,
    private readonly k8s: K8sService,
    private readonly leader: LeaderElection,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.reconcilerEnabled) return;
    this.unsubscribers.push(
      this.cache.subscribe((event) => {
        if (event.type !== 'deleted') this.enqueue(event.object.metadata.name);
      }),
      this.leader.onChange((leader) => {
        if (leader) void this.resyncAll();
        else this.queue.clear();
      }),
    );
    if (this.leader.isLeader) void this.resyncAll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    await this.queue.stop();
  }

  @Interval('template-validation-resync', RESYNC_INTERVAL_MS)
  resync(): void {
    void this.resyncAll();
  }

  private get active(): boolean {
    return this.config.reconcilerEnabled && this.leader.isLeader && !this.stopped;
  }

  private async resyncAll(): Promise<void> {
    if (!this.active) return;
    await this.cache.ready;
    for (const template of this.cache.list()) this.enqueue(template.metadata.name);
  }

  private enqueue(name: string): void {
    if (this.active) this.queue.add(name);
  }

  /** Reads the newest cached copy, so a burst of events costs one write; failures retry with back-off in the queue. */
  private async reconcile(name: string): Promise<void> {
    const template = this.cache.get(name);
    if (!this.active || !template || template.metadata.deletionTimestamp) return;
    const desired = desiredTemplateStatus(template);
    if (!statusDiffers(template.status, desired)) return;
    await this.k8s.templates.patchStatus(name, desired).catch((error: unknown) => {
      if (!(error instanceof KubernetesNotFoundError)) throw error;
    });
  }
}
