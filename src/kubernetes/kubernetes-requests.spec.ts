import { describe, expect, it } from '@jest/globals';
import { KubernetesNotFoundError, KubernetesUnavailableError } from './kubernetes-errors.js';
import { KubernetesRequests } from './kubernetes-requests.js';

const operation = { verb: 'get', resource: 'sessions', kind: 'Session', namespace: 'ns', name: 'a' } as const;
const apiException = (code: number, body: object = {}, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${code}`), { code, body: JSON.stringify(body), headers });

describe('KubernetesRequests', () => {
  it('never has more requests in flight than its bound', async () => {
    const requests = new KubernetesRequests({ timeoutMs: 5000, maxConcurrent: 2 });
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
    const requests = new KubernetesRequests({ timeoutMs: 5000, maxConcurrent: 1 });
    let attempts = 0;
    const result = await requests.send(operation, async () => {
      if (++attempts < 3) throw apiException(429, { reason: 'TooManyRequests' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(3);
  });

  it('gives up on 429 with 503 when the budget is spent', async () => {
    const requests = new KubernetesRequests({ timeoutMs: 300, maxConcurrent: 1 });
    const failure = requests.send(operation, async () => {
      throw apiException(429, {}, { 'retry-after': '1' });
    });
    await expect(failure).rejects.toBeInstanceOf(KubernetesUnavailableError);
    await expect(failure).rejects.toMatchObject({ status: 503 });
  });

  it('hands each attempt an abort signal that fires at the deadline', async () => {
    const requests = new KubernetesRequests({ timeoutMs: 50, maxConcurrent: 1 });
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
    const requests = new KubernetesRequests({ timeoutMs: 1000, maxConcurrent: 1 });
    await expect(
      requests.send(operation, async () => {
        throw apiException(404, { reason: 'NotFound' });
      }),
    ).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });
});
