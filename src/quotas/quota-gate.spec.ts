import { describe, expect, it } from '@jest/globals';
import { QuotaGate } from './quota-gate.js';

/** A piece of work that records when it runs and ends when told to. */
function gatedWork(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('QuotaGate', () => {
  it('runs one owner at a time, other owners alongside, at most `concurrency` at once', async () => {
    const log: string[] = [];
    const gate = new QuotaGate(2, 10);
    const a1 = gatedWork(log, 'a1');
    const a2 = gatedWork(log, 'a2');
    const b1 = gatedWork(log, 'b1');
    const c1 = gatedWork(log, 'c1');
    const results = [
      gate.run('alice', a1.work),
      gate.run('alice', a2.work),
      gate.run('bob', b1.work),
      gate.run('carol', c1.work),
    ];
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    a1.finish();
    await tick();
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start c1']);
    b1.finish();
    await tick();
    expect(log.at(-1)).toBe('start a2');
    a2.finish();
    c1.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a1', 'a2', 'b1', 'c1']);
  });

  it('refuses at once with 503 and Retry-After once the queue is full, and goes on after a failure', async () => {
    const log: string[] = [];
    const gate = new QuotaGate(1, 2);
    const first = gatedWork(log, 'first');
    const running = gate.run('alice', first.work);
    const failing = gate.run('bob', () => Promise.reject(new Error('boom')));
    await expect(gate.run('carol', () => Promise.resolve('late'))).rejects.toMatchObject({
      status: 503,
      error: 'Quota check unavailable',
      extra: { retryAfter: 5 },
    });
    first.finish();
    await expect(running).resolves.toBe('first');
    await expect(failing).rejects.toThrow('boom');
    await expect(gate.run('bob', () => Promise.resolve('again'))).resolves.toBe('again');
  });
});
