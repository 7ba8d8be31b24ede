import type { ConfigurationOptions } from '@kubernetes/client-node';
import { BoundedLane, LaneRefusal } from './bounded-lane.js';
import { currentRequestLane, type RequestLane } from './request-lanes.js';
import type { CustomResourceKind, StoredObject } from './resources.js';
import { KubernetesUnavailableError, type KubernetesOperation, toKubernetesError } from './kubernetes-errors.js';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

/** Told about every object a write returned, so caches can serve read-your-writes. */
export type WriteListener = (resource: CustomResourceKind, change: 'upsert' | 'delete', object: StoredObject) => void;

export interface LaneLimits {
  /** The client has no rate limiter of its own: at most this many calls in flight. */
  maxConcurrent: number;
  /** At most this many calls wait for a slot; more are refused with 503 at once. */
  maxQueued: number;
}

export interface RequestLimits {
  /** Budget of one call, waiting for a slot and retries included (api-contract §1.6: 10 s). */
  timeoutMs: number;
  lanes: Record<RequestLane, LaneLimits>;
}

interface RequestContextLike {
  setSignal(signal: AbortSignal): void;
  setHeaderParam(key: string, value: string): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs Kubernetes requests: two bounded lanes (HTTP requests and background work, see
 * request-lanes.ts), a deadline per call that starts before the wait for a slot, back-off on 429
 * (API priority and fairness) inside that deadline, and every failure mapped to a typed error.
 */
export class KubernetesRequests {
  readonly lanes: Record<RequestLane, BoundedLane>;

  constructor(readonly limits: RequestLimits) {
    this.lanes = {
      request: new BoundedLane(limits.lanes.request.maxConcurrent, limits.lanes.request.maxQueued),
      background: new BoundedLane(limits.lanes.background.maxConcurrent, limits.lanes.background.maxQueued),
    };
  }

  async send<T>(operation: KubernetesOperation, request: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.limits.timeoutMs;
    const lane = currentRequestLane();
    try {
      return await this.lanes[lane].run(deadline, () => this.sendWithRetries(operation, deadline, request));
    } catch (error) {
      if (!(error instanceof LaneRefusal)) throw error;
      throw new KubernetesUnavailableError(
        error.reason === 'queue full'
          ? `Too many Kubernetes requests are waiting (${lane} lane); try again shortly`
          : `No Kubernetes request slot became free within ${this.limits.timeoutMs / 1000} s (${lane} lane)`,
      );
    }
  }

  /** Options that make a patch call send a JSON merge patch. */
  mergePatch(options: ConfigurationOptions): ConfigurationOptions {
    return this.withMiddleware(options, (context) =>
      context.setHeaderParam('Content-Type', 'application/merge-patch+json'),
    );
  }

  private async sendWithRetries<T>(
    operation: KubernetesOperation,
    deadline: number,
    request: (options: ConfigurationOptions) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
      try {
        return await request(this.withMiddleware(undefined, (context) => context.setSignal(signal)));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== 429) throw toKubernetesError(error, operation);
        const retryAfterSeconds = Number((error as { headers?: Record<string, string> }).headers?.['retry-after']);
        const wait =
          Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0
            ? retryAfterSeconds * 1000
            : Math.min(200 * 2 ** attempt, 2000);
        if (Date.now() + wait >= deadline) {
          throw new KubernetesUnavailableError(
            `Kubernetes is throttling ${operation.verb} ${operation.resource} requests`,
          );
        }
        await sleep(wait);
      }
    }
  }

  private withMiddleware(
    options: ConfigurationOptions | undefined,
    pre: (context: RequestContextLike) => void,
  ): ConfigurationOptions {
    // The generated client chains middleware results with `.toPromise()` (its rxjs stand-in).
    const resolved = <V>(value: V) => ({ toPromise: () => Promise.resolve(value) });
    const middleware = {
      pre: (context: RequestContextLike) => {
        pre(context);
        return resolved(context);
      },
      post: <R>(response: R) => resolved(response),
    };
    return {
      ...options,
      middleware: [...(options?.middleware ?? []), middleware as never],
      middlewareMergeStrategy: 'append',
    };
  }
}
