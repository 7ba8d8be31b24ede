import pLimit from 'p-limit';
import { ApiError } from '../common/api-error.js';

export const quotaUnavailable = () =>
  new ApiError(503, 'Quota check unavailable', 'The quota check could not be completed; try again shortly', {
    retryAfter: 5,
  });

/**
 * In front of the quota transactions of this replica: one at a time per owner (so a second start
 * of the same user waits here, not holding a pool connection while it waits for the advisory
 * lock), a bounded number at once (below the pool's 20 connections, so other routes always find
 * one), and a bounded queue: past it, a start is refused at once with 503 + Retry-After instead of
 * timing out on the pool as `Database unavailable`.
 */
export class QuotaGate {
  private readonly slots: ReturnType<typeof pLimit>;
  private readonly owners = new Map<string, Promise<unknown>>();
  private waiting = 0;

  constructor(
    concurrency = 8,
    private readonly maxWaiting = 500,
  ) {
    this.slots = pLimit(concurrency);
  }

  run<T>(owner: string, work: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.maxWaiting) return Promise.reject(quotaUnavailable());
    this.waiting++;
    const previous = this.owners.get(owner) ?? Promise.resolve();
    const mine = previous.then(() =>
      this.slots(() => {
        this.waiting--;
        return work();
      }),
    );
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.owners.set(owner, settled);
    void settled.then(() => {
      if (this.owners.get(owner) === settled) this.owners.delete(owner);
    });
    return mine;
  }
}
