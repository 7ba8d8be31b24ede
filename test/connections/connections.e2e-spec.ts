import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ConnectionTracker } from '../../src/connections/connection-tracker.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { eventually } from '../support/eventually.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { controllableClock, createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';

describe('connections, heartbeats and the connection tracker (§3.3, §3.4, §6.4)', () => {
  let app: NestExpressApplication;
  let url: string;
  let db: DataSource;
  let k8s: K8sService;
  let template: string;
  let clock: ReturnType<typeof controllableClock>;
  let operator: TestAccount;

  const as = (account: TestAccount) => ({
    get: (path: string) => request(url).get(`/api/v1${path}`).set('Authorization', account.bearer),
    post: (path: string, body?: object) =>
      request(url).post(`/api/v1${path}`).set('Authorization', account.bearer).send(body),
  });
  const sessionRow = async (name: string) =>
    (await db.query<Record<string, any>[]>('SELECT * FROM sessions WHERE name = $1', [name]))[0];
  const connectionRow = async (id: string) =>
    (await db.query<Record<string, any>[]>('SELECT * FROM connections WHERE id = $1', [id]))[0];

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    db = app.get<DataSource>(getDataSourceToken());
    k8s = app.get(K8sService);
    clock = controllableClock(app);
    template = await createTemplate(app);
    operator = await createAccount(app, url, { role: 'operator' });
  });
  afterAll(() => app?.close());

  async function userWithSession() {
    const user = await createAccount(app, url);
    const session = await launchSession(url, user, { template });
    return { user, name: session.name };
  }

  it('connects to a starting session: a connection row, activity recorded, not ready yet', async () => {
    const { user, name } = await userWithSession();
    const answer = (
      await as(user)
        .get(`/sessions/${name}/connect?user=${user.username}`)
        .set('User-Agent', 'viewer-test/1.0')
        .expect(200)
    ).body;
    expect(answer).toEqual({
      connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sessionUrl: '',
      state: 'running',
      ready: false,
      message: 'Connection established. Session is starting up - please wait.',
    });
    const connection = await connectionRow(answer.connectionId);
    expect(connection).toMatchObject({ session_name: name, user_id: user.id, closed_at: null });
    expect(connection.user_agent).toBe('viewer-test/1.0');
    expect((await sessionRow(name)).last_connection).not.toBeNull();
    expect((await as(user).get(`/sessions/${name}`).expect(200)).body.activeConnections).toBe(1);

    await k8s.sessions.patchStatus(name, { phase: 'Running', url: 'https://s.example/' });
    const ready = (await as(user).post(`/sessions/${name}/connect`, { user: user.username }).expect(200)).body;
    expect(ready).toMatchObject({ ready: true, message: 'Connection established.', sessionUrl: 'https://s.example/' });
  });

  it('wakes a hibernated session once, even for two concurrent connects; only the waker says so', async () => {
    const { user, name } = await userWithSession();
    await as(user).post(`/sessions/${name}`).expect(404); // only PATCH changes state
    await request(url)
      .patch(`/api/v1/sessions/${name}`)
      .set('Authorization', user.bearer)
      .send({ state: 'hibernated' })
      .expect(202);
    const patches = jest.spyOn(k8s.sessions, 'patch');
    try {
      const answers = await Promise.all([
        as(user).get(`/sessions/${name}/connect`),
        as(user).get(`/sessions/${name}/connect`),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ state: 'running', ready: false });
      }
      // The other one reports what it found after the wake: the session starting up again.
      expect(answers.map((a) => a.body.message).sort()).toEqual([
        'Connection established. Session is starting up - please wait.',
        'Connection established. Session is waking from hibernation - please wait.',
      ]);
      expect(patches.mock.calls.filter(([patched]) => patched === name)).toHaveLength(1);
    } finally {
      patches.mockRestore();
    }
    const resource = await k8s.sessions.get(name);
    expect(resource.spec.state).toBe('running');
    expect(resource.metadata.annotations?.['streamspace.io/state-reason']).toBe('connect');
  });

  it('refuses to connect to terminated and failed sessions, and to other users’ sessions', async () => {
    const { user, name } = await userWithSession();
    const stranger = await createAccount(app, url);
    await as(stranger).get(`/sessions/${name}/connect`).expect(404);
    await as(user).get(`/sessions/${name}/connect?user=${stranger.username}`).expect(403);
    await k8s.sessions.patchStatus(name, { phase: 'Failed', message: 'Back-off pulling image' });
    await as(user)
      .get(`/sessions/${name}/connect`)
      .expect(409, { error: 'Session failed', message: 'Back-off pulling image' });
    await request(url)
      .patch(`/api/v1/sessions/${name}`)
      .set('Authorization', user.bearer)
      .send({ state: 'terminated' })
      .expect(202);
    await as(user).get(`/sessions/${name}/connect`).expect(409, {
      error: 'Session terminated',
      message: 'Set the session to running before connecting',
    });
  });

  it('disconnects only the caller’s own connection of that session, idempotently', async () => {
    const { user, name } = await userWithSession();
    const { connectionId } = (await as(user).get(`/sessions/${name}/connect`).expect(200)).body;
    await as(user)
      .post(`/sessions/${name}/disconnect`)
      .expect(400, { error: 'connectionId parameter required', message: 'Pass ?connectionId=<id>' });
    await as(user).post(`/sessions/${name}/disconnect?connectionId=not-a-uuid`).expect(400);
    const unknown = '11111111-2222-4333-8444-555555555555';
    await as(user)
      .post(`/sessions/${name}/disconnect?connectionId=${unknown}`)
      .expect(404, {
        error: 'Connection not found',
        message: `No connection '${unknown}' on session '${name}'`,
      });
    const other = await userWithSession();
    await as(user).post(`/sessions/${other.name}/disconnect?connectionId=${connectionId}`).expect(404);

    await as(user)
      .post(`/sessions/${name}/disconnect?connectionId=${connectionId}`)
      .expect(200, { message: 'Connection closed', activeConnections: 0 });
    await as(user).post(`/sessions/${name}/disconnect?connectionId=${connectionId}`).expect(200);
    expect(await connectionRow(connectionId)).toMatchObject({ close_reason: 'client' });
    expect((await sessionRow(name)).last_disconnect).not.toBeNull();

    const second = (await as(user).get(`/sessions/${name}/connect`).expect(200)).body.connectionId;
    await as(operator).post(`/sessions/${name}/disconnect?connectionId=${second}`).expect(200);
  });

  it('lists live connections oldest first, and no collaborators', async () => {
    const { user, name } = await userWithSession();
    const first = (await as(user).get(`/sessions/${name}/connect`).expect(200)).body.connectionId;
    const second = (await as(user).get(`/sessions/${name}/connect`).expect(200)).body.connectionId;
    const listed = (await as(user).get(`/sessions/${name}/connections`).expect(200)).body;
    expect(listed).toMatchObject({ sessionId: name, total: 2 });
    expect(listed.connections.map((c: { id: string }) => c.id)).toEqual([first, second]);
    expect(listed.connections[0]).toMatchObject({
      userId: user.id,
      username: user.username,
      clientIp: expect.any(String),
    });
    await as(user).get(`/sessions/${name}/collaborators`).expect(200, { collaborators: [], total: 0 });
  });

  it('accepts heartbeats only for running sessions and known connections of the caller', async () => {
    const { user, name } = await userWithSession();
    const { connectionId } = (await as(user).get(`/sessions/${name}/connect`).expect(200)).body;
    const beat = (await as(user).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(200)).body;
    expect(beat).toEqual({ status: 'ok', sessionId: name, connectionId, lastActivity: expect.any(String) });
    expect((await as(user).post(`/sessions/${name}/heartbeat`).expect(200)).body.connectionId).toBeNull();
    await as(user).post(`/sessions/${name}/heartbeat?connectionId=11111111-2222-4333-8444-555555555555`).expect(404);
    const stranger = await createAccount(app, url);
    await as(stranger).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(404);

    await as(user).post(`/sessions/${name}/disconnect?connectionId=${connectionId}`).expect(200);
    await as(user).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(404);
    await request(url)
      .patch(`/api/v1/sessions/${name}`)
      .set('Authorization', user.bearer)
      .send({ state: 'hibernated' })
      .expect(202);
    await as(user).post(`/sessions/${name}/heartbeat`).expect(409, {
      error: 'Session not running',
      message: 'The session is hibernated; heartbeats are only accepted for running sessions',
    });
  });

  it('patches status.lastActivity at most once a minute however many heartbeats arrive', async () => {
    const { user, name } = await userWithSession();
    const { connectionId } = (await as(user).get(`/sessions/${name}/connect`).expect(200)).body;
    clock.advance(61_000);
    const statusPatches = jest.spyOn(k8s.sessions, 'patchStatus');
    try {
      for (let i = 0; i < 100; i++)
        await as(user).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(200);
      expect(statusPatches.mock.calls.filter(([patched]) => patched === name)).toHaveLength(1);
      clock.advance(61_000);
      await as(user).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(200);
      expect(statusPatches.mock.calls.filter(([patched]) => patched === name)).toHaveLength(2);
    } finally {
      statusPatches.mockRestore();
    }
    // The patch runs after the answer, off the request path.
    const recorded = new Date((await sessionRow(name)).last_activity).getTime();
    await eventually(async () =>
      expect(Date.parse((await k8s.sessions.get(name)).status!.lastActivity!)).toBe(recorded),
    );
  });

  it('times out silent connections, re-opens them on the next heartbeat, and hibernates after the disconnect delay', async () => {
    const tracker = app.get(ConnectionTracker);
    const { user, name } = await userWithSession();
    const { connectionId } = (await as(user).get(`/sessions/${name}/connect`).expect(200)).body;

    clock.advance(61_000);
    expect((await tracker.tick()).timedOut).toBeGreaterThanOrEqual(1);
    expect(await connectionRow(connectionId)).toMatchObject({ close_reason: 'timeout' });
    expect((await sessionRow(name)).last_disconnect).not.toBeNull();
    expect((await as(user).get(`/sessions/${name}`).expect(200)).body.activeConnections).toBe(0);

    await as(user).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(200);
    expect(await connectionRow(connectionId)).toMatchObject({ closed_at: null, close_reason: null });

    await as(user).post(`/sessions/${name}/disconnect?connectionId=${connectionId}`).expect(200);
    clock.advance(29 * 60_000);
    expect((await tracker.tick()).hibernated).not.toContain(name);
    clock.advance(2 * 60_000);
    expect((await tracker.tick()).hibernated).toContain(name);
    const resource = await k8s.sessions.get(name);
    expect(resource.spec.state).toBe('hibernated');
    expect(resource.metadata.annotations?.['streamspace.io/state-reason']).toBe('disconnected');
  });

  it('reports activity status with the time left before hibernation', async () => {
    const { user, name } = await userWithSession();
    const status = (await as(user).get(`/sessions/${name}/activity-status`).expect(200)).body;
    expect(status).toMatchObject({
      sessionId: name,
      state: 'running',
      phase: 'Pending',
      idleThreshold: 1800,
      isIdle: false,
      isActive: true,
      activeConnections: 0,
      autoHibernation: true,
      shouldHibernate: false,
    });
    expect(Date.parse(status.hibernateAt) - Date.parse(status.lastActivity)).toBe(1800 * 1000);
    expect(Date.parse(status.maxDurationAt) - Date.parse(status.startedAt)).toBe(8 * 3600 * 1000);
    await as(user).get(`/sessions/${name}/connect`).expect(200);
    expect((await as(user).get(`/sessions/${name}/activity-status`).expect(200)).body).toMatchObject({
      activeConnections: 1,
      hibernateAt: null,
    });
    const stranger = await createAccount(app, url);
    await as(stranger).get(`/sessions/${name}/activity-status`).expect(404);
  });
});
