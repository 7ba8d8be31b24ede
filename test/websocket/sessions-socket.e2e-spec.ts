import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { UsersService } from '../../src/users/users.service.js';
import { WebSocketHub } from '../../src/websocket/websocket-hub.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';
import { openSocket, type RecordingSocket, wsUrl } from '../support/websocket.js';

type Snapshot = {
  type: string;
  sessions: { name: string; user: string; tags: string[] }[];
  count: number;
  timestamp: string;
};

describe('WebSockets (§8)', () => {
  let app: NestExpressApplication;
  let url: string;
  let template: string;
  let alice: TestAccount;
  let bob: TestAccount;
  let operator: TestAccount;
  const sockets: RecordingSocket[] = [];
  const sessionsSocket = async (account: TestAccount, query = '') => {
    const socket = await openSocket(
      wsUrl(url, `/api/v1/ws/sessions?token=${encodeURIComponent(account.token)}${query}`),
    );
    sockets.push(socket);
    return socket;
  };
  /** Frames until one satisfies `check`. */
  async function until(
    socket: RecordingSocket,
    check: (snapshot: Snapshot) => boolean,
    timeoutMs = 2000,
  ): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const snapshot = (await socket.next(Math.max(1, deadline - Date.now()))) as Snapshot;
      if (check(snapshot)) return snapshot;
    }
  }

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false', CORS_ALLOWED_ORIGINS: 'http://localhost:5173' }));
    template = await createTemplate(app);
    [alice, bob, operator] = await Promise.all([
      createAccount(app, url),
      createAccount(app, url),
      createAccount(app, url, { role: 'operator' }),
    ]);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  it('refuses before the upgrade with the §8.1 statuses', async () => {
    const refusal = (path: string, options = {}) =>
      openSocket(wsUrl(url, path), options).then(
        () => undefined,
        (error: { status: number; body: unknown }) => error,
      );
    expect(await refusal('/api/v1/ws/sessions')).toMatchObject({
      status: 401,
      body: { error: 'Authorization header required' },
    });
    expect(await refusal('/api/v1/ws/sessions?token=forged')).toMatchObject({
      status: 401,
      body: { error: 'Invalid or expired token' },
    });
    expect(await refusal(`/api/v1/ws/nowhere?token=${alice.token}`)).toMatchObject({
      status: 404,
      body: { error: 'Not found' },
    });
    expect(await refusal(`/api/v1/ws/sessions?token=${alice.token}`, { origin: 'https://evil.example' })).toMatchObject(
      {
        status: 403,
        body: { error: 'Origin not allowed' },
      },
    );
    expect(await refusal(`/api/v1/ws/sessions?token=${alice.token}&user=${bob.username}`)).toMatchObject({
      status: 403,
      body: { error: 'Forbidden' },
    });
    const disabled = await createAccount(app, url);
    await app.get(UsersService).update(disabled.id, { active: false });
    expect(await refusal(`/api/v1/ws/sessions?token=${disabled.token}`)).toMatchObject({
      status: 403,
      body: { error: 'Account disabled' },
    });
  });

  it('sends a snapshot of the caller’s own sessions within a second of connecting', async () => {
    const mine = await launchSession(url, alice, { template });
    const started = Date.now();
    const socket = await sessionsSocket(alice);
    const snapshot = (await socket.next(1000)) as Snapshot;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(snapshot).toMatchObject({
      type: 'sessions_update',
      count: snapshot.sessions.length,
      timestamp: expect.any(String),
    });
    expect(snapshot.sessions.map((s) => s.name)).toContain(mine.name);
    expect(snapshot.sessions.every((s) => s.user === alice.username)).toBe(true);
  });

  it('pushes create, tag and delete within 2 s, one JSON document per frame, and never another user’s sessions', async () => {
    const aliceSocket = await sessionsSocket(alice);
    const bobSocket = await sessionsSocket(bob);
    await aliceSocket.next();
    await bobSocket.next();

    const burst = await Promise.all([1, 2, 3].map(() => launchSession(url, bob, { template })));
    const names = burst.map((s) => s.name);
    await until(bobSocket, (s) => names.every((name) => s.sessions.some((x) => x.name === name)));

    await request(url)
      .patch(`/api/v1/sessions/${names[0]}/tags`)
      .set('Authorization', bob.bearer)
      .send({ tags: ['pushed'] })
      .expect(200);
    await until(bobSocket, (s) => s.sessions.find((x) => x.name === names[0])?.tags.includes('pushed') === true);

    await request(url).delete(`/api/v1/sessions/${names[1]}`).set('Authorization', bob.bearer).expect(202);
    await until(bobSocket, (s) => !s.sessions.some((x) => x.name === names[1]));

    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const frame of aliceSocket.frames as Snapshot[])
      expect(frame.sessions.every((s) => s.user === alice.username)).toBe(true);
    for (const text of [...aliceSocket.texts, ...bobSocket.texts]) expect(() => JSON.parse(text)).not.toThrow();
  });

  it('shows operators every session, or one user’s with ?user=', async () => {
    const all = await sessionsSocket(operator);
    const users = new Set(((await all.next()) as Snapshot).sessions.map((s) => s.user));
    expect([...users]).toEqual(expect.arrayContaining([alice.username, bob.username]));
    const one = await sessionsSocket(operator, `&user=${bob.username}`);
    expect(((await one.next()) as Snapshot).sessions.every((s) => s.user === bob.username)).toBe(true);
  });

  it('keeps the enterprise socket open and silent', async () => {
    const socket = await openSocket(wsUrl(url, `/api/v1/ws/enterprise?token=${alice.token}`));
    sockets.push(socket);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(socket.frames).toEqual([]);
  });

  it('closes a socket with 1008 at the next check once its token is revoked', async () => {
    const carol = await createAccount(app, url);
    const socket = await sessionsSocket(carol);
    await socket.next();
    await request(url).post('/api/v1/auth/logout').set('Authorization', carol.bearer).expect(200);
    await app.get(WebSocketHub).heartbeatRound();
    expect(await socket.closed).toEqual({ code: 1008, reason: 'token revoked' });
  });

  it('re-checks every socket of a ping round with one batch of queries, closing only those that no longer qualify', async () => {
    const [dave, erin] = await Promise.all([createAccount(app, url), createAccount(app, url)]);
    const daves = await Promise.all([sessionsSocket(dave), sessionsSocket(dave), sessionsSocket(dave)]);
    const erins = await Promise.all([sessionsSocket(erin), sessionsSocket(erin)]);
    await request(url).post('/api/v1/auth/logout').set('Authorization', erin.bearer).expect(200);
    const db = app.get<DataSource>(getDataSourceToken());
    const queries = jest.spyOn(db, 'query');
    try {
      await app.get(WebSocketHub).heartbeatRound();
      expect(queries.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      queries.mockRestore();
    }
    for (const socket of erins) expect(await socket.closed).toEqual({ code: 1008, reason: 'token revoked' });
    // Closes go out in the same pass as the pings, so Erin's closes having arrived proves the round is done.
    for (const socket of daves) expect(await Promise.race([socket.closed, Promise.resolve('open')])).toBe('open');
  });

  it('closes sockets with 1001 when the server shuts down', async () => {
    const socket = await sessionsSocket(alice);
    await socket.next();
    app.get(WebSocketHub).shutdown();
    expect((await socket.closed).code).toBe(1001);
    await eventually(() => expect(app.get(WebSocketHub).openSockets('sessions')).toBe(0));
  });
});
