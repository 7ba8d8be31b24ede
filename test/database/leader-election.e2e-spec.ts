import { afterAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/database.options.js';
import { LeaderElection } from '../../src/database/leader-election.js';
import { eventually } from '../support/eventually.js';

/** A replica's view: its own connection pool and its own election. */
async function replica(): Promise<{ election: LeaderElection; db: DataSource }> {
  const db = await new DataSource(
    buildDataSourceOptions({ kind: 'postgres', url: process.env.DATABASE_URL!, sslMode: 'disable' }),
  ).initialize();
  const election = new LeaderElection(db);
  election.retryMs = 100;
  election.onApplicationBootstrap();
  return { election, db };
}

describe('leader election over a PostgreSQL advisory lock (§5.9)', () => {
  const replicas: { election: LeaderElection; db: DataSource }[] = [];
  afterAll(async () => {
    for (const { election, db } of replicas) {
      await election.onApplicationShutdown();
      await db.destroy().catch(() => undefined);
    }
  });

  it('has exactly one leader, and another takes over when it stops', async () => {
    replicas.push(await replica(), await replica());
    const leaders = () => replicas.filter((r) => r.election.isLeader);
    await eventually(() => expect(leaders()).toHaveLength(1));

    const changes: boolean[] = [];
    const [first] = leaders();
    const second = replicas.find((r) => r !== first)!;
    second.election.onChange((leader) => changes.push(leader));
    await first.election.onApplicationShutdown();
    await eventually(() => expect(second.election.isLeader).toBe(true));
    expect(changes).toEqual([true]);
  });

  it('gives up leadership when its connection is lost', async () => {
    const current = replicas.find((r) => r.election.isLeader)!;
    const lost: boolean[] = [];
    current.election.onChange((leader) => lost.push(leader));
    await current.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = hashtext('leader')::oid AND granted`,
    );
    await eventually(() => expect(lost).toContain(false));
  });
});
