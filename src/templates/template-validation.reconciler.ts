import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import pLimit from 'p-limit';
import { AppConfig } from '../config/app-config.js';
import { LeaderElection } from '../database/leader-election.service.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../kubernetes/kubernetes-errors.js';
import { TemplateCache } from '../kubernetes/resource-caches.js';
import type { TemplateResource, TemplateStatus } from '../kubernetes/resources.js';
import { templateSpecProblem } from './template-rules.js';

/** §5.8: at most 10 reconciles at once, full resync every 5 minutes, retries 5 s doubling to 5 min. */
const MAX_CONCURRENT = 10;
const RESYNC_INTERVAL_MS = 5 * 60_000;
const RETRY_INITIAL_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

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
  private readonly logger = new Logger(TemplateValidationReconciler.name);
  private readonly limit = pLimit(MAX_CONCURRENT);
  /** Names queued or in progress → whether another pass was asked for meanwhile. */
  private readonly queued = new Map<string, boolean>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryDelays = new Map<string, number>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribers: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly cache: TemplateCache,
    private readonly k8s: K8sService,
    private readonly leader: LeaderElection,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.reconcilerEnabled) return;
    this.unsubscribers.push(
      this.cache.subscribe((event) => {
        if (event.type !== 'deleted') this.enqueue(event.object.metadata.name);
      }),
      this.leader.onChange((leader) => {
        if (leader) void this.resyncAll();
      }),
    );
    if (this.leader.isLeader) void this.resyncAll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    // Queued work returns at once now that `active` is false; wait for writes under way.
    await Promise.allSettled([...this.inFlight]);
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
    if (!this.active) return;
    if (this.queued.has(name)) {
      this.queued.set(name, true);
      return;
    }
    this.queued.set(name, false);
    const run = this.limit(() => this.reconcile(name)).finally(() => {
      this.inFlight.delete(run);
      const again = this.queued.get(name);
      this.queued.delete(name);
      if (again) this.enqueue(name);
    });
    this.inFlight.add(run);
  }

  /** Reads the newest cached copy, so a burst of events costs one write. Never rejects. */
  private async reconcile(name: string): Promise<void> {
    try {
      const template = this.cache.get(name);
      if (!this.active || !template || template.metadata.deletionTimestamp) return;
      const desired = desiredTemplateStatus(template);
      if (statusDiffers(template.status, desired)) await this.k8s.templates.patchStatus(name, desired);
      this.forgetRetry(name);
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) this.forgetRetry(name);
      else this.retryLater(name, error);
    }
  }

  private retryLater(name: string, error: unknown): void {
    const delay = Math.min((this.retryDelays.get(name) ?? RETRY_INITIAL_MS / 2) * 2, RETRY_MAX_MS);
    this.retryDelays.set(name, delay);
    this.logger.warn(`Could not write the status of Template '${name}', retrying in ${delay / 1000} s: ${(error as Error)?.message ?? error}`);
    clearTimeout(this.retryTimers.get(name));
    const timer = setTimeout(() => {
      this.retryTimers.delete(name);
      this.enqueue(name);
    }, delay);
    timer.unref();
    this.retryTimers.set(name, timer);
  }

  private forgetRetry(name: string): void {
    this.retryDelays.delete(name);
    clearTimeout(this.retryTimers.get(name));
    this.retryTimers.delete(name);
  }
}
