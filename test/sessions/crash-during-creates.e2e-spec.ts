import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { uniqueName } from '../support/accounts.js';
import { createScratchDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { applyTemplate } from '../support/sessions.js';
import { kubectl } from '../support/kubectl.js';
import { adminBearer, type Replica, replicaEnvironment, startReplica } from '../support/replica.js';

const NAMESPACE = 'streamspace';
const USERS = 4;
const CREATES_PER_USER = 4;

/**
 * Issue 17 item 3: the server is killed with SIGKILL while a burst of session creates is in
 * flight. After a restart, the sessions projection's resync on taking the leader lock must leave
 * every Session resource with its row and every row with its resource, and the owner references
 * must leave no workload of a missing Session behind.
 */
describe('server killed with SIGKILL during session creates', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let server: Replica | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(async () => {
    await server?.kill();
    await scratch?.drop();
  });

  it('restarts into a consistent state: resources and rows match, no orphaned workload', async () => {
    const env = replicaEnvironment(scratch.url);
    server = await startReplica(env);
    const bearer = await adminBearer(server.url, env);
    const post = (url: string, path: string, body: object) =>
      fetch(`${url}/api/v1${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: bearer },
        body: JSON.stringify(body),
      });

    const template = await applyTemplate(NAMESPACE);
    const usernames = Array.from({ length: USERS }, () => uniqueName('crash'));
    for (const username of usernames) {
      const response = await post(server.url, '/users', {
        username,
        email: `${username}@example.test`,
        password: `pw-${randomBytes(12).toString('hex')}`,
      });
      expect(response.status).toBe(201);
    }

    const burst = usernames.flatMap((user) =>
      Array.from({ length: CREATES_PER_USER }, () =>
        post(server!.url, '/sessions', {
          template,
          user,
          persistentHome: false,
          resources: { cpu: '100m', memory: '128Mi' },
        }).then(
          (response) => response.status,
          () => 'cut' as const,
        ),
      ),
    );
    // Kill as soon as the first create has answered, with the rest still in flight.
    await Promise.race(burst);
    await server.kill('SIGKILL');
    const outcomes = await Promise.all(burst);
    process.stdout.write(`creates at SIGKILL: ${JSON.stringify(outcomes)}\n`);
    expect(outcomes).toContain('cut');

    const restartedAt = Date.now();
    server = await startReplica(env);
    const database = new pg.Client({ connectionString: scratch.url });
    await database.connect();
    try {
      const selector = `streamspace.io/user in (${usernames.join(',')})`;
      const consistent = async () => {
        const resources = (
          await kubectl(['get', 'sessions.stream.space', '-n', NAMESPACE, '-l', selector, '-o', 'name'])
        )
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split('/').pop()!)
          .sort();
        const rows = (
          await database.query<{ name: string }>(
            `SELECT s.name FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE s.deleted_at IS NULL AND u.username = ANY($1) ORDER BY 1`,
            [usernames],
          )
        ).rows.map((row) => row.name);
        expect(rows).toEqual(resources);
        return resources;
      };
      const sessions = await eventually(consistent, 30_000, 250);
      process.stdout.write(
        `after restart: ${sessions.length} sessions consistent ${Date.now() - restartedAt} ms after the restart began\n`,
      );
      // Answers the client saw as 202 are sessions that exist.
      expect(sessions.length).toBeGreaterThanOrEqual(outcomes.filter((outcome) => outcome === 202).length);

      // Every workload object of these sessions is owned by a Session that exists.
      await eventually(
        async () => {
          const workloads = JSON.parse(
            await kubectl(['get', 'deployments,services,ingresses', '-n', NAMESPACE, '-l', selector, '-o', 'json']),
          ) as {
            items: { kind: string; metadata: { name: string; ownerReferences?: { kind: string; name: string }[] } }[];
          };
          const orphans = workloads.items.filter(
            (item) =>
              !item.metadata.ownerReferences?.some(
                (owner) => owner.kind === 'Session' && sessions.includes(owner.name),
              ),
          );
          expect(orphans.map((item) => `${item.kind}/${item.metadata.name}`)).toEqual([]);
        },
        30_000,
        500,
      );
    } finally {
      await database.end();
    }
  }, 240_000);
});
