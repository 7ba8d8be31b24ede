import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LeaderElection } from '../../src/database/leader-election.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { sessionManifest } from '../support/kubernetes.js';
import { startTestApp } from '../support/test-app.js';

describe('the sessions table mirrors Session resources (§6.2)', () => {
  let app: NestExpressApplication;
  let k8s: K8sService;
  let db: DataSource;
  let owner: TestAccount;
  const row = async (name: string) =>
    (await db.query<Record<string, any>[]>('SELECT * FROM sessions WHERE name = $1', [name]))[0];

  beforeAll(async () => {
    let url: string;
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    k8s = app.get(K8sService);
    db = app.get<DataSource>(getDataSourceToken());
    owner = await createAccount(app, url);
    await eventually(() => expect(app.get(LeaderElection).isLeader).toBe(true), 30_000);
  });
  afterAll(() => app?.close());

  it('projects a session made by another tool, follows its phase, state and deletion', async () => {
    const name = uniqueName('kubectl-made');
    await kubectl(
      ['apply', '-n', k8s.namespace, '-f', '-'],
      JSON.stringify({
        apiVersion: 'stream.space/v1alpha1',
        kind: 'Session',
        ...sessionManifest(name, owner.username, {
          resources: { requests: { cpu: '250m', memory: '256Mi' } },
          tags: ['ops'],
        }),
      }),
    );
    const first = await eventually(async () => {
      const projected = await row(name);
      expect(projected).toMatchObject({
        username: owner.username,
        user_id: owner.id,
        state: 'running',
        phase: 'Pending',
        cpu_millicores: 250,
        memory_mib: 256,
        tags: ['ops'],
      });
      return projected;
    });
    expect(first.started_at).not.toBeNull();

    await k8s.sessions.patchStatus(name, { phase: 'Running', url: 'https://x.example/', podName: 'ss-pod' });
    await eventually(async () =>
      expect(await row(name)).toMatchObject({ phase: 'Running', url: 'https://x.example/', pod_name: 'ss-pod' }),
    );

    await k8s.sessions.patchSpec(name, { state: 'hibernated' });
    await eventually(async () => expect((await row(name)).state).toBe('hibernated'));
    await k8s.sessions.patchSpec(name, { state: 'running' });
    const woken = await eventually(async () => {
      const projected = await row(name);
      expect(projected.state).toBe('running');
      return projected;
    });
    expect(new Date(woken.started_at).getTime()).toBeGreaterThan(new Date(first.started_at).getTime());

    await db.query(`INSERT INTO connections (session_name, user_id) VALUES ($1, $2)`, [name, owner.id]);
    await kubectl(['delete', 'session', '-n', k8s.namespace, name]);
    await eventually(async () => expect((await row(name)).deleted_at).not.toBeNull());
    const [connection] = await db.query('SELECT close_reason FROM connections WHERE session_name = $1', [name]);
    expect(connection.close_reason).toBe('session_deleted');
  });

  it('records a session whose owner has no account, without a user id', async () => {
    const name = uniqueName('orphan');
    await k8s.sessions.create(sessionManifest(name, 'no-such-account'));
    await eventually(async () =>
      expect(await row(name)).toMatchObject({ username: 'no-such-account', user_id: null, cpu: '', cpu_millicores: 0 }),
    );
    await k8s.sessions.delete(name);
  });
});
