import { describe, expect, it } from '@jest/globals';
import { KubernetesNotFoundError, KubernetesUnavailableError } from './kubernetes-errors.js';
import { KubernetesRequests } from './kubernetes-requests.js';
import { runInRequestLane } from './request-lanes.js';

const operation = { verb: 'get', resource: 'sessions', kind: 'Session', namespace: 'ns', name: 'a' } as const;
const apiException = (code: number, body: object = {}, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${code}`), { code, body: JSON.stringify(body), headers });

const requestsWith = (timeoutMs: number, maxConcurrent: number, maxQueued = 100) =>
  new KubernetesRequests({
    timeoutMs,
    lanes: { request: { maxConcurrent, maxQueued }, background: { maxConcurrent, maxQueued } },
  });

/** A call that stays in flight until `release()`. */
function heldCall() {
  let release!: () => void;
  const released = new Promise<string>((resolve) => (release = () => resolve('ok')));
  return { call: () => released, release };
}

describe('KubernetesRequests', () => {
  it('never has more requests in flight than its bound', async () => {
    const requests = requestsWith(5000, 2);
    let inFlight = 0;
    let peak = 0;
    const slow = async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return 'ok';
    };
    const results = await Promise.all(Array.from({ length: 7 }, () => requests.send(operation, slow)));
    expect(results).toEqual(Array(7).fill('ok'));
    expect(peak).toBe(2);
  });

  it('retries 429 answers within the budget', async () => {
    const requests = requestsWith(5000, 1);
    let attempts = 0;
    const result = await requests.send(operation, async () => {
      if (++attempts < 3) throw apiException(429, { reason: 'TooManyRequests' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(3);
  });

  it('gives up on 429 with 503 when the budget is spent', async () => {
    const requests = requestsWith(300, 1);
    const failure = requests.send(operation, async () => {
      throw apiException(429, {}, { 'retry-after': '1' });
    });
    await expect(failure).rejects.toBeInstanceOf(KubernetesUnavailableError);
    await expect(failure).rejects.toMatchObject({ status: 503 });
  });

  it('hands each attempt an abort signal that fires at the deadline', async () => {
    const requests = requestsWith(50, 1);
    const failure = requests.send(operation, (options) => {
      const context = {
        signal: undefined as AbortSignal | undefined,
        setSignal(s: AbortSignal) {
          this.signal = s;
        },
        setHeaderParam() {},
      };
      const pre = (options.middleware?.[0] as unknown as { pre: (c: typeof context) => unknown }).pre;
      pre(context);
      return new Promise((_, reject) =>
        context.signal!.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        ),
      );
    });
    await expect(failure).rejects.toMatchObject({ status: 503, error: 'Kubernetes unavailable' });
  });

  it('maps other failures to typed errors', async () => {
    const requests = requestsWith(1000, 1);
    await expect(
      requests.send(operation, async () => {
        throw apiException(404, { reason: 'NotFound' });
      }),
    ).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });

  it('refuses with 503 at once when the lane queue is full', async () => {
    const requests = requestsWith(5000, 1, 1);
    const held = heldCall();
    const running = requests.send(operation, held.call);
    const queued = requests.send(operation, async () => 'queued');
    const refused = requests.send(operation, async () => 'never');
    await expect(refused).rejects.toMatchObject({
      status: 503,
      error: 'Kubernetes unavailable',
      extra: { retryAfter: expect.any(Number) },
    });
    held.release();
    await expect(running).resolves.toBe('ok');
    await expect(queued).resolves.toBe('queued');
  });

  it('counts the wait for a slot inside the budget', async () => {
    const requests = requestsWith(100, 1);
    const held = heldCall();
    const running = requests.send(operation, held.call);
    let started = false;
    const waiting = requests.send(operation, async () => {
      started = true;
      return 'late';
    });
    await expect(waiting).rejects.toMatchObject({ status: 503, message: expect.stringContaining('slot') });
    expect(started).toBe(false);
    held.release();
    await expect(running).resolves.toBe('ok');
  });

  it('keeps request calls moving while background work fills its own lane', async () => {
    const requests = requestsWith(5000, 2, 10);
    const held = heldCall();
    const background = Array.from({ length: 12 }, () => requests.send(operation, held.call));
    expect(requests.lanes.background.queuedCount).toBe(10);
    const served = await runInRequestLane(() => requests.send(operation, async () => 'served'));
    expect(served).toBe('served');
    held.release();
    await expect(Promise.all(background)).resolves.toHaveLength(12);
  });
});
