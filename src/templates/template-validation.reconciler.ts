import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LeaderElection } from '../database/leader-election.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { unlessNotFound } from '../kubernetes/kubernetes-errors.js';
import { TemplateCache } from '../kubernetes/custom-resource.cache.js';
import type { TemplateResource, TemplateStatus } from '../kubernetes/resources.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ReconcileLoop } from '../kubernetes/reconcile-loop.js';
import { templateSpecProblem } from './template-rules.js';

export const VALID_MESSAGE = 'Template is valid';

/** The status the reconciler wants a Template to have (§5.3). */
export function desiredTemplateStatus(template: TemplateResource): Required<TemplateStatus> {
  const problem = templateSpecProblem(template.spec);
  return {
    valid: problem === undefined,
    message: problem ?? VALID_MESSAGE,
    observedGeneration: template.metadata.generation ?? 0,
  };
}

/** Writes happen only when something changed, so our own status events end the loop. */
export function statusDiffers(current: TemplateStatus | undefined, desired: Required<TemplateStatus>): boolean {
  return (
    current?.valid !== desired.valid ||
    current.message !== desired.message ||
    current.observedGeneration !== desired.observedGeneration
  );
}

/**
 * Validates every Template and records the result in its status (api-contract §5.3). Runs only on
 * the leader (§5.9) and only with RECONCILER_ENABLED; driven by the Template watch cache, a full
 * pass on gaining leadership and a periodic resync. One name is never reconciled concurrently
 * with itself; failures are logged and retried, never thrown out of an event handler.
 */
@Injectable()
export class TemplateValidationReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: ReconcileLoop;
  private unsubscribe: (() => void) | undefined;

  constructor(
    config: AppConfig,
    leader: LeaderElection,
    metrics: MetricsService,
    private readonly cache: TemplateCache,
    private readonly k8s: K8sService,
  ) {
    this.loop = new ReconcileLoop(config.reconcilerEnabled, leader, metrics, {
      kind: 'Template',
      keys: () => this.cache.list().map((template) => template.metadata.name),
      ready: () => this.cache.ready,
      reconcile: (name) => this.reconcile(name),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.loop.start()) return;
    this.unsubscribe = this.cache.subscribe((event) => {
      if (event.type !== 'deleted') this.loop.enqueue(event.object.metadata.name);
    });
  }

  /** Resolves once no reconcile is waiting or running (tests: proof that the events were handled). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.loop.stop();
  }

  /** Reads the newest cached copy, so a burst of events costs one write; failures retry with back-off in the queue. */
  private async reconcile(name: string): Promise<void> {
    const template = this.cache.get(name);
    if (!template || template.metadata.deletionTimestamp) return;
    const desired = desiredTemplateStatus(template);
    if (!statusDiffers(template.status, desired)) return;
    await unlessNotFound(this.k8s.templates.patchStatus(name, desired));
  }
}
