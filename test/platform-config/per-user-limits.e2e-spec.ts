import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { USER_LABEL } from '../../src/kubernetes/labels.js';
import { CONFIG_MAP_NAME } from '../../src/platform-config/platform-config.service.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';
import { openSocket, type RecordingSocket, wsUrl } from '../support/websocket.js';

/** The caps of §6.8 that bound what one user can make the server hold, set low so a test can reach them. */
describe('per-user caps (§6.8 quota.maxTotalSessions, limits.*)', () => {
  let app: NestExpressApplication;
  let url: string;
  let db: DataSource;
  let k8s: K8sService;
  let template: string;
  let admin: TestAccount;
  const sockets: RecordingSocket[] = [];
  const as = (account: TestAccount) => ({
    post: (path: string, body?: object) =>
      request(url).post(`/api/v1${path}`).set('Authorization', account.bearer).send(body),
    patch: (path: string, body: object) =>
      request(url).patch(`/api/v1${path}`).set('Authorization', account.bearer).send(body),
    get: (path: string) => request(url).get(`/api/v1${path}`).set('Authorization', account.bearer),
  });
  const removeConfigMap = () =>
    kubectl(['delete', 'configmap', '-n', k8s.namespace, CONFIG_MAP_NAME, '--ignore-not-found']);
  const sessionsOf = async (account: TestAccount) =>
    (await k8s.sessions.list({ labelSelector: `${USER_LABEL}=${account.username}` })).items.map((s) => s.metadata.name);

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    db = app.get<DataSource>(getDataSourceToken());
    k8s = app.get(K8sService);
    template = await createTemplate(app);
    admin = await createAccount(app, url, { role: 'admin' });
    await as(admin)
      .patch('/config', {
        'quota.maxTotalSessions': '2',
        'limits.connectionsPerSession': '2',
        'limits.websocketsPerUser': '2',
        'limits.favoritesPerUser': '3',
      })
      .expect(200);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await removeConfigMap();
    await app?.close();
  });

  it('counts hibernated sessions against quota.maxTotalSessions and creates nothing over it', async () => {
    const [user, other] = await Promise.all([createAccount(app, url), createAccount(app, url)]);
    const first = await launchSession(url, user, { template, persistentHome: false });
    await launchSession(url, user, { template, persistentHome: false });
    await as(user).patch(`/sessions/${first.name}`, { state: 'hibernated' }).expect(202);
    const before = await sessionsOf(user);
    const [{ rows }] = await db.query<{ rows: number }[]>('SELECT count(*)::int AS rows FROM sessions');

    const refused = await as(user).post('/sessions', { template, persistentHome: false }).expect(403);
    expect(refused.body).toEqual({
      error: 'Session limit reached',
      message: expect.stringContaining('2 sessions'),
      code: 'QUOTA_EXCEEDED',
    });
    expect(await sessionsOf(user)).toEqual(before);
    expect((await db.query<{ rows: number }[]>('SELECT count(*)::int AS rows FROM sessions'))[0].rows).toBe(rows);
    await launchSession(url, other, { template, persistentHome: false });
  });

  it('refuses a connection over limits.connectionsPerSession with 409, recording nothing', async () => {
    const user = await createAccount(app, url);
    const session = await launchSession(url, user, { template, persistentHome: false });
    const connections = await Promise.all(
      Array.from({ length: 4 }, () => as(user).post(`/sessions/${session.name}/connect`)),
    );
    expect(connections.map((answer) => answer.status).sort()).toEqual([200, 200, 409, 409]);
    expect(connections.find((answer) => answer.status === 409)!.body).toEqual({
      error: 'Too many connections',
      message: expect.stringContaining('2 open connections'),
    });
    expect((await as(user).get(`/sessions/${session.name}/connections`).expect(200)).body.total).toBe(2);

    const { connectionId } = connections.find((answer) => answer.status === 200)!.body as { connectionId: string };
    await as(user).post(`/sessions/${session.name}/disconnect?connectionId=${connectionId}`).expect(200);
    await as(user).post(`/sessions/${session.name}/connect`).expect(200);
  });

  it('refuses a WebSocket over limits.websocketsPerUser with 429 before the upgrade, and frees the place on close', async () => {
    const [user, other] = await Promise.all([createAccount(app, url), createAccount(app, url)]);
    const open = () => openSocket(wsUrl(url, `/api/v1/ws/sessions?token=${user.token}`));
    const results = await Promise.allSettled([open(), open(), open()]);
    const opened = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    sockets.push(...opened);
    expect(opened).toHaveLength(2);
    const refusal = results.find((result) => result.status === 'rejected')!.reason;
    expect(refusal).toMatchObject({ status: 429, body: { error: 'Too many sockets', message: expect.any(String) } });
    sockets.push(await openSocket(wsUrl(url, `/api/v1/ws/sessions?token=${other.token}`)));

    opened[0].close();
    await opened[0].closed;
    sockets.push(await eventually(open));
  });

  it('refuses a favourite over limits.favoritesPerUser with 409; an existing one stays idempotent', async () => {
    const user = await createAccount(app, url);
    for (const key of ['a', 'b', 'c']) await as(user).post(`/preferences/favorites/${key}`).expect(200);
    await as(user).post('/preferences/favorites/d').expect(409, {
      error: 'Too many favorites',
      message: 'You have 3 favorites, the most allowed; remove one first',
    });
    await as(user).post('/preferences/favorites/b').expect(200);
    expect((await as(user).get('/preferences/favorites').expect(200)).body.total).toBe(3);
  });
});
