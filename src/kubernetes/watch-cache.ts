import { Logger } from '@nestjs/common';
import type { ListResult } from './kubernetes-requests.js';
import { listPages } from './list-pages.js';
import type { StoredObject } from './resources.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** A stream that runs until aborted (a watch, a followed log). */
export interface WatchHandle {
  abort(): void;
}

export interface CacheEvent<T> {
  type: 'added' | 'modified' | 'deleted';
  object: T;
}

/** Where a cache gets its objects: a paged list and a watch on the same collection. */
export interface WatchSource<T extends StoredObject> {
  list(query: { limit: number; continue?: string }): Promise<ListResult<T>>;
  watch(
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: WatchEventType, object: T & { code?: number }) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle>;
}

export interface WatchCacheTiming {
  /** Full relist even when the watch is healthy (api-contract §5.8: 10 min). */
  relistIntervalMs: number;
  /** Server-side watch timeout; the server ends the stream and we resume from the last version. */
  watchTimeoutSeconds: number;
  /** No event (bookmarks count) for this long = a half-open connection: restart. */
  watchdogMs: number;
  /** Restart back-off after errors (§5.8: 1 s doubling to 30 s). */
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_WATCH_CACHE_TIMING: WatchCacheTiming = {
  relistIntervalMs: 10 * 60_000,
  watchTimeoutSeconds: 300,
  watchdogMs: 330_000,
  backoffInitialMs: 1000,
  backoffMaxMs: 30_000,
};

class WatchExpiredError extends Error {}
class WatchSilentError extends Error {}

/** Resource versions are opaque, but etcd's are integers; compare them when both are. */
function isNewer(candidate: string | undefined, current: string | undefined): boolean {
  if (!candidate || !current) return true;
  if (/^\d+$/.test(candidate) && /^\d+$/.test(current)) return BigInt(candidate) > BigInt(current);
  return candidate !== current;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The object less `managedFields` and kubectl's last-applied copy: often most of its bytes, and
 * nothing reads them from a cache (read-modify-replace writes start from a fresh GET).
 */
export function withoutWriteBookkeeping<T extends StoredObject>(object: T): T {
  const { managedFields, annotations, ...metadata } = object.metadata as T['metadata'] & {
    managedFields?: unknown;
    annotations?: Record<string, string>;
  };
  const lastApplied = annotations !== undefined && LAST_APPLIED in annotations;
  if (managedFields === undefined && !lastApplied) return object;
  if (!lastApplied) return { ...object, metadata: { ...metadata, ...(annotations && { annotations }) } };
  const { [LAST_APPLIED]: _dropped, ...kept } = annotations;
  return { ...object, metadata: Object.keys(kept).length > 0 ? { ...metadata, annotations: kept } : metadata };
}

/**
 * An in-memory copy of one Kubernetes collection, kept current by list + watch: resumes from the
 * last resourceVersion, relists on 410 Gone and periodically, restarts with back-off after any
 * error, and a watchdog ends watches that went silent. Writes made through K8sService are applied
 * at once (`applyWrite`) unless the cache already holds something newer.
 */
export class WatchCache<T extends StoredObject> {
  private readonly logger: Logger;
  private readonly objects = new Map<string, T>();
  /** Objects deleted through our own writes, so stale watch events cannot resurrect them. */
  private readonly tombstones = new Map<string, string | undefined>();
  private readonly listeners = new Set<(event: CacheEvent<T>) => void>();
  private resourceVersion = '';
  private running = false;
  private currentWatch: WatchHandle | undefined;
  private wake: (() => void) | undefined;
  private markReady!: () => void;
  private synced = false;
  /** Times the list/watch loop restarted after an error (for metrics and tests). */
  restarts = 0;
  /** Times a watch was answered 410 Gone (its resourceVersion compacted away) and the cache relisted. */
  expiries = 0;
  readonly ready: Promise<void>;
  /** Every cache of the process, for the watch-restart metric. */
  static readonly all = new Set<WatchCache<StoredObject>>();

  constructor(
    readonly name: string,
    private readonly source: WatchSource<T>,
    private readonly timing: WatchCacheTiming = DEFAULT_WATCH_CACHE_TIMING,
  ) {
    this.logger = new Logger(`WatchCache:${name}`);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    WatchCache.all.add(this as unknown as WatchCache<StoredObject>);
  }

  get isSynced(): boolean {
    return this.synced;
  }

  get(name: string): T | undefined {
    return this.objects.get(name);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  get size(): number {
    return this.objects.size;
  }

  subscribe(listener: (event: CacheEvent<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  stop(): void {
    this.running = false;
    this.currentWatch?.abort();
    this.wake?.();
  }

  /** Read-your-writes: the object a write returned, unless the cache holds a newer one. */
  applyWrite(change: 'upsert' | 'delete', object: T): void {
    const name = object.metadata.name;
    if (change === 'delete') {
      this.tombstones.set(name, object.metadata.resourceVersion);
      this.remove(name);
      return;
    }
    if (this.tombstones.has(name) && !isNewer(object.metadata.resourceVersion, this.tombstones.get(name))) return;
    this.tombstones.delete(name);
    this.put(object);
  }

  private async run(): Promise<void> {
    let backoff = this.timing.backoffInitialMs;
    while (this.running) {
      try {
        await this.relist();
        backoff = this.timing.backoffInitialMs;
        const relistAt = Date.now() + this.timing.relistIntervalMs;
        while (this.running && Date.now() < relistAt) await this.watchOnce();
      } catch (error) {
        if (!this.running) break;
        if (error instanceof WatchExpiredError) {
          this.expiries++;
          this.logger.log('watch expired (410 Gone); relisting');
          continue;
        }
        this.restarts++;
        this.logger.warn(`list/watch failed, retrying in ${backoff} ms: ${(error as Error)?.message ?? error}`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.timing.backoffMaxMs);
      }
    }
  }

  private async relist(): Promise<void> {
    const listed = new Map<string, T>();
    let resourceVersion = '';
    for await (const page of listPages((query) => this.source.list(query))) {
      resourceVersion ||= page.resourceVersion;
      for (const object of page.items) listed.set(object.metadata.name, object);
      if (!this.running) break;
    }

    for (const [name, cached] of this.objects) {
      // Keep objects our own writes put here after the list was taken.
      if (!listed.has(name) && !isNewer(cached.metadata.resourceVersion, resourceVersion)) this.remove(name);
    }
    this.tombstones.clear();
    for (const object of listed.values()) this.put(object);
    this.resourceVersion = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      this.markReady();
    }
  }

  /** One watch stream from the current resourceVersion; resolves when the server ends it. */
  private watchOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let lastEventAt = Date.now();
      const startedAt = lastEventAt;
      let sawEvent = false;
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        this.currentWatch?.abort();
        this.currentWatch = undefined;
        if (error) reject(error instanceof Error ? error : new Error('watch failed', { cause: error }));
        // A stream that ends at once without events is a failure, or we would spin.
        else if (!sawEvent && Date.now() - startedAt < 1000 && this.running)
          reject(new Error('watch closed immediately'));
        else resolve();
      };
      const watchdog = setInterval(
        () => {
          if (Date.now() - lastEventAt > this.timing.watchdogMs) finish(new WatchSilentError('no watch event in time'));
        },
        Math.min(this.timing.watchdogMs, 5000),
      );

      this.source
        .watch(
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: this.timing.watchTimeoutSeconds,
          },
          (type, object) => {
            lastEventAt = Date.now();
            sawEvent = true;
            if (type === 'ERROR') {
              finish(
                object.code === 410 ? new WatchExpiredError() : new Error(`watch error ${JSON.stringify(object)}`),
              );
              return;
            }
            this.onWatchEvent(type, object);
          },
          (error) => finish(error),
        )
        .then((handle) => {
          if (settled || !this.running) handle.abort();
          else this.currentWatch = handle;
          if (!this.running) finish();
        }, finish);
    });
  }

  private onWatchEvent(type: WatchEventType, object: T): void {
    const resourceVersion = object.metadata?.resourceVersion;
    if (resourceVersion) this.resourceVersion = resourceVersion;
    if (type === 'BOOKMARK') return;
    const name = object.metadata.name;
    if (type === 'DELETED') {
      this.tombstones.delete(name);
      this.remove(name);
      return;
    }
    if (this.tombstones.has(name) && !isNewer(resourceVersion, this.tombstones.get(name))) return;
    this.tombstones.delete(name);
    this.put(object);
  }

  private put(received: T): void {
    const object = withoutWriteBookkeeping(received);
    const name = object.metadata.name;
    const cached = this.objects.get(name);
    if (cached && !isNewer(object.metadata.resourceVersion, cached.metadata.resourceVersion)) return;
    this.objects.set(name, object);
    this.emit({ type: cached ? 'modified' : 'added', object });
  }

  private remove(name: string): void {
    const cached = this.objects.get(name);
    if (!cached) return;
    this.objects.delete(name);
    this.emit({ type: 'deleted', object: cached });
  }

  private emit(event: CacheEvent<T>): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`listener failed: ${(error as Error).message}`);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
