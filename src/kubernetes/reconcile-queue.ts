import { Logger } from '@nestjs/common';

export interface ReconcileQueueOptions {
  /** Reconciles running at once (api-contract §5.8: 10). */
  concurrency: number;
  /** Retry delay after a first failure, doubled per further failure up to `backoffMaxMs`. */
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_RECONCILE_QUEUE_OPTIONS: ReconcileQueueOptions = {
  concurrency: 10,
  backoffInitialMs: 5_000,
  backoffMaxMs: 5 * 60_000,
};

/** What a reconcile may ask for besides success: another pass after a delay. */
export type ReconcileResult = void | { requeueAfterMs: number };

/**
 * A keyed work queue in the manner of client-go's: a key waits at most once, is never processed
 * by two workers at once (an add while it runs marks it dirty, so it runs again afterwards), and a
 * failure retries with exponential back-off. Events always enqueue at once; only retries wait.
 */
export class ReconcileQueue {
  private readonly logger = new Logger(ReconcileQueue.name);
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly reconcile: (key: string) => Promise<ReconcileResult>,
    private readonly options: ReconcileQueueOptions = DEFAULT_RECONCILE_QUEUE_OPTIONS,
  ) {}

  /** Keys waiting or running (for tests and metrics). */
  get length(): number {
    return this.queued.size + this.processing.size;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.waiting.push(key);
    this.pump();
  }

  /** Adds the key after `delayMs`, unless it is already due sooner. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { timer, at });
  }

  /** Drops everything waiting (e.g. on losing leadership); running reconciles finish. */
  clear(): void {
    this.waiting.length = 0;
    this.queued.clear();
    this.dirty.clear();
    this.failures.clear();
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
  }

  /** Stops taking work and resolves once running reconciles are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clear();
    await this.idle();
  }

  /** Resolves when nothing is waiting or running. */
  idle(): Promise<void> {
    if (this.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (!this.stopped && this.processing.size < this.options.concurrency) {
      const index = this.waiting.findIndex((key) => !this.processing.has(key));
      if (index < 0) break;
      const [key] = this.waiting.splice(index, 1);
      this.queued.delete(key);
      this.processing.add(key);
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    try {
      const result = await this.reconcile(key);
      this.failures.delete(key);
      if (result) this.addAfter(key, result.requeueAfterMs);
    } catch (error) {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      const delay = Math.min(this.options.backoffInitialMs * 2 ** (failures - 1), this.options.backoffMaxMs);
      this.logger.warn(`reconcile of ${key} failed (retry in ${delay} ms): ${(error as Error)?.message ?? error}`);
      this.addAfter(key, delay);
    } finally {
      this.processing.delete(key);
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
      if (this.length === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
