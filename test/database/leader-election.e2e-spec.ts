import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/database.options.js';
import { LeaderElection } from '../../src/database/leader-election.js';
import { createScratchDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';

/** A replica's view: its own connection pool and its own election. */
async function replica(url: string): Promise<{ election: LeaderElection; db: DataSource }> {
  const db = await new DataSource(buildDataSourceOptions({ kind: 'postgres', url, sslMode: 'disable' })).initialize();
  const election = new LeaderElection(db);
  election.retryMs = 100;
  election.onApplicationBootstrap();
  return { election, db };
}

describe('leader election over a PostgreSQL advisory lock (§5.9)', () => {
  const replicas: { election: LeaderElection; db: DataSource }[] = [];
  // A database of its own: no other file's server competes for (or holds) the lock.
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeAll(async () => {
    database = await createScratchDatabase();
  });
  afterAll(async () => {
    try {
      for (const { election, db } of replicas) {
        await election.onApplicationShutdown();
        await db.destroy().catch(() => undefined);
      }
    } finally {
      await database?.drop();
    }
  });

  it('has exactly one leader, and another takes over when it stops', async () => {
    replicas.push(await replica(database.url), await replica(database.url));
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
    // Only the holder of this lock key in this file's own database: other runs share the server.
    const terminated = await current.db.query<{ pid: number }[]>(
      `SELECT pid, pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid = hashtext('streamspace')::oid AND objid = hashtext('leader')::oid`,
    );
    expect(terminated).toHaveLength(1);
    await eventually(() => expect(lost).toContain(false));
  });
});
