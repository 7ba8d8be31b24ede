import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LEADER_RETRY_MS } from '../../src/database/leader-election.js';
import { createScratchDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { applyTemplate } from '../support/sessions.js';
import { kubectl } from '../support/kubectl.js';
import { adminBearer, type Replica, replicaEnvironment, startReplica } from '../support/replica.js';

/**
 * Issue 17 item 3: the leader replica is killed (SIGKILL, so it releases nothing itself). Its
 * database connection dies with it, and the other replica takes the lock at its next try
 * (every 15 s, §5.9) and runs the reconcilers.
 */
describe('leader killed', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.kill();
    await scratch?.drop();
  });

  it('hands the reconcilers to the other replica within one retry period', async () => {
    const env = replicaEnvironment(scratch.url);
    // The first one migrates the new database; then the second joins.
    replicas.push(await startReplica(env));
    replicas.push(await startReplica(env));
    const leaders = async () => (await Promise.all(replicas.map((replica) => replica.isLeader()))).map(Number);
    await eventually(async () => expect(await leaders()).toEqual([1, 0]), 30_000, 200);

    const [leader, survivor] = replicas;
    const killedAt = Date.now();
    await leader.kill('SIGKILL');
    await eventually(async () => expect(await survivor.isLeader()).toBe(true), LEADER_RETRY_MS + 5_000, 100);
    const takeoverMs = Date.now() - killedAt;
    process.stdout.write(`leader takeover after SIGKILL: ${takeoverMs} ms\n`);
    // One retry period, plus the time of the query that takes the lock and of this poll.
    expect(takeoverMs).toBeLessThanOrEqual(LEADER_RETRY_MS + 1_000);

    // The survivor now reconciles: a session launched through it gets its Deployment.
    const bearer = await adminBearer(survivor.url, env);
    const template = await applyTemplate('streamspace');
    const created = await eventually(async () => {
      const response = await fetch(`${survivor.url}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: bearer },
        body: JSON.stringify({ template, persistentHome: false }),
      });
      expect(response.status).toBe(202);
      return (await response.json()) as { name: string };
    });
    await eventually(
      async () =>
        expect(await kubectl(['get', 'deployments', '-n', 'streamspace', '-o', 'name'])).toContain(created.name),
      20_000,
      250,
    );
  }, 180_000);
});
