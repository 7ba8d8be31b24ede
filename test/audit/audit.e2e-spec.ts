import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service.js';
import { LeaderElection } from '../../src/database/leader-election.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

interface Entry {
  id: string;
  at: string;
  actorUsername: string;
  actorRole: string;
  action: string;
  targetKind: string;
  targetName: string;
  targetNamespace?: string;
  outcome: string;
  status: number;
  requestId: string;
  details?: { fields?: string[]; error?: string };
}

describe('audit trail (§3.16)', () => {
  let app: NestExpressApplication;
  let url: string;
  let admin: TestAccount;
  let operator: TestAccount;
  let user: TestAccount;
  const as = (account: TestAccount, requestId = uniqueName('req')) => ({
    get: (path: string) => request(url).get(path).set('Authorization', account.bearer),
    post: (path: string, body: object = {}) =>
      request(url).post(path).set('Authorization', account.bearer).set('X-Request-ID', requestId).send(body),
    patch: (path: string, body: object) =>
      request(url).patch(path).set('Authorization', account.bearer).set('X-Request-ID', requestId).send(body),
  });
  const trail = async (query: string) =>
    (await as(admin).get(`/api/v1/audit?${query}`).expect(200)).body as {
      entries: Entry[];
      total: number;
      page: number;
      limit: number;
    };

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    [admin, operator, user] = await Promise.all([
      createAccount(app, url, { role: 'admin' }),
      createAccount(app, url, { role: 'operator' }),
      createAccount(app, url),
    ]);
  });
  afterAll(() => app?.close());

  it('records successful, refused and failed mutations of operators and admins, newest first, without secrets', async () => {
    const template = uniqueName('audited');
    await as(operator, 'req-create-template')
      .post('/api/v1/templates', { name: template, displayName: 'Audited', baseImage: 'nginx:1.27' })
      .expect(201);
    // An operator on an admin route: refused by the role check.
    await as(operator, 'req-config').patch('/api/v1/config', { 'session.defaultIdleTimeout': '10m' }).expect(403);
    // A refusal by the generic writer's policy.
    await as(operator, 'req-pod')
      .post('/api/v1/cluster/resources', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'thief' },
        spec: { containers: [{ name: 'c', image: 'busybox' }], hostPID: true },
      })
      .expect(403);
    const renamed = await createAccount(app, url);
    await as(admin, 'req-password')
      .patch(`/api/v1/users/${renamed.id}`, { password: 'a-secret-new-password' })
      .expect(200);
    await as(admin, 'req-drain').post('/api/v1/admin/nodes/no-such-node/drain').expect(404);
    // A user's own mutations are not operator actions.
    await as(user).post(`/api/v1/preferences/favorites/${template}`).expect(200);

    const byOperator = await trail(`actor=${operator.username}`);
    expect(byOperator.entries.map((e) => [e.action, e.outcome, e.status, e.requestId])).toEqual([
      ['cluster.resource.create', 'refused', 403, 'req-pod'],
      ['config.update', 'refused', 403, 'req-config'],
      ['template.create', 'success', 201, 'req-create-template'],
    ]);
    expect(byOperator.entries[0]).toMatchObject({
      actorRole: 'operator',
      targetKind: 'Pod',
      targetName: 'thief',
      details: { error: 'Pod spec not allowed' },
    });
    expect(byOperator.entries[2]).toMatchObject({ targetKind: 'Template', targetName: template });
    expect(Date.parse(byOperator.entries[0].at)).toBeGreaterThanOrEqual(Date.parse(byOperator.entries[2].at));

    const byAdmin = await trail(`actor=${admin.username}`);
    expect(byAdmin.entries.map((e) => [e.action, e.outcome, e.status, e.targetName])).toEqual([
      ['node.drain', 'refused', 404, 'no-such-node'],
      ['user.update', 'success', 200, renamed.id],
    ]);
    expect(byAdmin.entries[1].details).toEqual({ fields: ['password'] });
    expect(JSON.stringify(byAdmin)).not.toContain('a-secret-new-password');
    expect((await trail(`actor=${user.username}`)).total).toBe(0);
  });

  it('filters by action prefix, target and time, pages, and is for admins only', async () => {
    const group = uniqueName('audited-group');
    await as(admin).post('/api/v1/groups', { name: group, displayName: 'Audited' }).expect(201);
    const created = await trail(`action=group.&targetName=${group}`);
    expect(created.entries.map((e) => e.action)).toEqual(['group.create']);
    expect(
      (await trail(`action=group.&targetName=${group}&since=${new Date(Date.now() + 60_000).toISOString()}`)).total,
    ).toBe(0);
    expect((await trail('action=group')).total).toBe(0);

    const page = await trail('limit=1&page=2');
    expect(page).toMatchObject({ page: 2, limit: 1 });
    expect(page.entries).toHaveLength(1);
    expect(page.total).toBeGreaterThan(1);

    await as(admin).get('/api/v1/audit?limit=201').expect(400);
    await as(admin).get('/api/v1/audit?since=yesterday').expect(400);
    await as(operator).get('/api/v1/audit').expect(403, {
      error: 'Insufficient permissions',
      message: 'This action requires the admin role',
    });
  });

  it('keeps rows for 365 days: the daily job on the leader deletes older ones', async () => {
    const db = app.get<DataSource>(getDataSourceToken());
    const insert = (days: number, name: string) =>
      db.query(
        `INSERT INTO audit_log (at, actor_username, actor_role, action, target_kind, target_name, outcome, status, request_id)
         VALUES (now() - make_interval(days => $1), 'someone', 'admin', 'user.delete', 'User', $2, 'success', 200, 'old')`,
        [days, name],
      );
    const [old, recent] = [uniqueName('old'), uniqueName('recent')];
    await insert(366, old);
    await insert(364, recent);
    jest.spyOn(app.get(LeaderElection), 'isLeader', 'get').mockReturnValue(false);
    await app.get(AuditService).purgeExpired();
    expect((await trail(`targetName=${old}`)).total).toBe(1);
    jest.spyOn(app.get(LeaderElection), 'isLeader', 'get').mockReturnValue(true);
    await app.get(AuditService).purgeExpired();
    expect((await trail(`targetName=${old}`)).total).toBe(0);
    expect((await trail(`targetName=${recent}`)).total).toBe(1);
  });
});
