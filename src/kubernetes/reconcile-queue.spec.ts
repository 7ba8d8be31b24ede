import { describe, expect, it } from '@jest/globals';
import { ReconcileQueue } from './reconcile-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function eventually(done: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(5);
  }
}
const fast = { concurrency: 2, backoffInitialMs: 20, backoffMaxMs: 40 };

describe('ReconcileQueue', () => {
  it('runs at most `concurrency` reconciles at once', async () => {
    let running = 0;
    let peak = 0;
    const queue = new ReconcileQueue(async () => {
      peak = Math.max(peak, ++running);
      await sleep(10);
      running--;
    }, fast);
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(key);
    await queue.idle();
    expect(peak).toBe(2);
  });

  it('never runs one key twice at once, and runs it again when it changed meanwhile', async () => {
    const runs: string[] = [];
    let concurrent = 0;
    let overlap = false;
    const queue = new ReconcileQueue(async (key) => {
      if (++concurrent > 1) overlap = true;
      runs.push(key);
      await sleep(15);
      concurrent--;
    }, fast);
    queue.add('a');
    await sleep(2);
    queue.add('a');
    queue.add('a');
    await queue.idle();
    expect(overlap).toBe(false);
    expect(runs).toEqual(['a', 'a']);
  });

  it('collapses adds of a waiting key into one reconcile', async () => {
    const runs: string[] = [];
    const queue = new ReconcileQueue(
      async (key) => {
        runs.push(key);
        await sleep(5);
      },
      { ...fast, concurrency: 1 },
    );
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('b');
    await queue.idle();
    expect(runs).toEqual(['a', 'b']);
  });

  it('retries a failing key with doubling back-off until it succeeds', async () => {
    const attempts: number[] = [];
    const queue = new ReconcileQueue(async () => {
      attempts.push(Date.now());
      if (attempts.length < 4) throw new Error('Kubernetes unavailable');
    }, fast);
    queue.add('a');
    await eventually(() => attempts.length === 4);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    // Capped at backoffMaxMs: 40, not 80.
    expect(gaps[2]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeLessThan(75);
    await queue.stop();
  });

  it('requeues a key when the reconcile asks for another pass', async () => {
    let runs = 0;
    const queue = new ReconcileQueue(async () => (++runs === 1 ? { requeueAfterMs: 10 } : undefined), fast);
    queue.add('a');
    await sleep(60);
    expect(runs).toBe(2);
  });

  it('drops waiting and delayed keys on clear, and takes no work after stop', async () => {
    const runs: string[] = [];
    const queue = new ReconcileQueue(
      async (key) => {
        runs.push(key);
        await sleep(10);
      },
      { ...fast, concurrency: 1 },
    );
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 5);
    queue.clear();
    await queue.stop();
    queue.add('d');
    await sleep(20);
    expect(runs).toEqual(['a']);
  });
});
