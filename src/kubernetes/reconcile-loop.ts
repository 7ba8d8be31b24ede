import { Logger } from '@nestjs/common';
import { ReconcileQueue, type ReconcileResult } from './reconcile-queue.js';

/** A full pass over every key even without events (api-contract §5.8). */
export const RESYNC_INTERVAL_MS = 5 * 60_000;

/** Whether this replica may act (database/LeaderElection provides it). */
export interface Leadership {
  readonly isLeader: boolean;
  onChange(listener: (isLeader: boolean) => void): () => void;
}

/** Counts and times each pass (metrics/MetricsService provides it). */
export interface ReconcileMetrics {
  reconcile(kind: string, work: () => Promise<ReconcileResult>): Promise<ReconcileResult>;
}

export interface ReconcileLoopOptions {
  /** Label of the reconcile metrics and logs, e.g. `Session`. */
  kind: string;
  /** Every key, for resyncs. */
  keys: () => string[];
  /** The caches a reconcile reads; nothing is judged on a partial view. */
  ready: () => Promise<unknown>;
  reconcile: (key: string) => Promise<ReconcileResult>;
}

/**
 * What every reconciler of the server shares (api-contract §5.8–5.9): the keyed back-off queue,
 * work only on the leader and only with RECONCILER_ENABLED, a full pass on becoming leader and
 * every 5 minutes, a dropped queue on losing leadership, and each pass counted in the metrics.
 * A reconciler only says where its events come from (`enqueue`) and how to reconcile one key.
 */
export class ReconcileLoop {
  private readonly logger: Logger;
  private readonly queue = new ReconcileQueue((key) => this.run(key));
  private readonly teardown: (() => void)[] = [];

  constructor(
    private readonly enabled: boolean,
    private readonly leader: Leadership,
    private readonly metrics: ReconcileMetrics,
    private readonly options: ReconcileLoopOptions,
  ) {
    this.logger = new Logger(`${options.kind}Reconciler`);
  }

  /** Subscribes to leadership and starts the resync timer; returns false when switched off. */
  start(): boolean {
    if (!this.enabled) {
      this.logger.log(`${this.options.kind} reconciler is switched off (RECONCILER_ENABLED=false)`);
      return false;
    }
    this.teardown.push(
      this.leader.onChange((isLeader) => {
        if (isLeader) void this.resync();
        else this.queue.clear();
      }),
    );
    const timer = setInterval(() => void this.resync(), RESYNC_INTERVAL_MS);
    timer.unref();
    this.teardown.push(() => clearInterval(timer));
    if (this.leader.isLeader) void this.resync();
    return true;
  }

  /** Stops taking work; resolves once running reconciles are done. */
  async stop(): Promise<void> {
    for (const stop of this.teardown.splice(0)) stop();
    await this.queue.stop();
  }

  /**
   * Resolves once no pass is waiting or running (delayed retries aside). Events reach `enqueue`
   * synchronously from the caches, so after a cache holds an object this proves it was handled.
   */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Queues a key at once on the leader; followers rely on the leader's own watches. */
  enqueue(key: string): void {
    if (this.enabled && this.leader.isLeader) this.queue.add(key);
  }

  /** Queues every key once the caches have synced. Never throws. */
  async resync(): Promise<void> {
    try {
      await this.options.ready();
      for (const key of this.options.keys()) this.enqueue(key);
    } catch (error) {
      this.logger.error(`resync failed: ${(error as Error)?.message ?? error}`);
    }
  }

  private async run(key: string): Promise<ReconcileResult> {
    if (!this.leader.isLeader) return;
    await this.options.ready();
    return this.metrics.reconcile(this.options.kind, () => this.options.reconcile(key));
  }
}
