/** Why a lane refused to run a call: its queue was full, or the call's deadline passed while waiting. */
export class LaneRefusal extends Error {
  constructor(readonly reason: 'queue full' | 'deadline') {
    super(reason);
  }
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/**
 * At most `maxConcurrent` calls run at once and at most `maxQueued` wait; a waiter leaves the queue
 * when its deadline passes (p-limit can neither bound its queue nor drop a waiter).
 */
export class BoundedLane {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {}

  get activeCount(): number {
    return this.active;
  }

  get queuedCount(): number {
    return this.waiting.length;
  }

  /** Runs `work` when a slot is free; rejects with LaneRefusal if the queue is full or `deadline` (epoch ms) passes first. */
  async run<T>(deadline: number, work: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConcurrent) await this.waitForSlot(deadline);
    else this.active++;
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private waitForSlot(deadline: number): Promise<void> {
    if (this.waiting.length >= this.maxQueued) return Promise.reject(new LaneRefusal('queue full'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: resolve,
        timer: setTimeout(
          () => {
            this.waiting.splice(this.waiting.indexOf(waiter), 1);
            reject(new LaneRefusal('deadline'));
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      this.waiting.push(waiter);
    });
  }

  /** Hands the slot straight to the next waiter, so the active count never dips and overshoots. */
  private release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.active--;
      return;
    }
    clearTimeout(next.timer);
    next.start();
  }
}
