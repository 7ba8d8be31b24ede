import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { IdleMonitor } from '../../src/activity/idle-monitor.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { controllableClock, createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';

const MINUTE = 60_000;

describe('the idle monitor (§6.5)', () => {
  let app: NestExpressApplication;
  let url: string;
  let db: DataSource;
  let k8s: K8sService;
  let monitor: IdleMonitor;
  let clock: ReturnType<typeof controllableClock>;
  let template: string;

  const stateOf = async (name: string) => {
    const resource = await k8s.sessions.get(name);
    return { state: resource.spec.state, reason: resource.metadata.annotations?.['streamspace.io/state-reason'] };
  };
  async function newSession(body: object = {}): Promise<{ user: TestAccount; name: string }> {
    const user = await createAccount(app, url);
    const { name } = await launchSession(url, user, { template, ...body });
    return { user, name };
  }

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    db = app.get<DataSource>(getDataSourceToken());
    k8s = app.get(K8sService);
    monitor = app.get(IdleMonitor);
    clock = controllableClock(app);
    template = await createTemplate(app);
  });
  afterAll(() => app?.close());

  it('hibernates a session idle past its timeout with no connection, and says why', async () => {
    const { name } = await newSession();
    clock.advance(29 * MINUTE);
    expect(await monitor.tick()).not.toContain(name);
    clock.advance(2 * MINUTE);
    expect(await monitor.tick()).toContain(name);
    expect(await stateOf(name)).toEqual({ state: 'hibernated', reason: 'idle' });
    const [row] = await db.query('SELECT state, state_reason FROM sessions WHERE name = $1', [name]);
    expect(row).toEqual({ state: 'hibernated', state_reason: 'idle' });
  });

  it('leaves an idle session alone while a connection is live, and a heartbeat resets the clock', async () => {
    const { user, name } = await newSession();
    const { connectionId } = (
      await request(url).get(`/api/v1/sessions/${name}/connect`).set('Authorization', user.bearer).expect(200)
    ).body;
    clock.advance(20 * MINUTE);
    await request(url)
      .post(`/api/v1/sessions/${name}/heartbeat?connectionId=${connectionId}`)
      .set('Authorization', user.bearer)
      .expect(200);
    clock.advance(20 * MINUTE);
    // 40 minutes since connect, 20 since the heartbeat: still active.
    await db.query('UPDATE connections SET last_heartbeat = $2 WHERE id = $1', [connectionId, clock.now()]);
    expect(await monitor.tick()).not.toContain(name);
    // Idle for over 30 minutes but still connected: kept.
    clock.advance(15 * MINUTE);
    await db.query('UPDATE connections SET last_heartbeat = $2 WHERE id = $1', [connectionId, clock.now()]);
    expect(await monitor.tick()).not.toContain(name);
    expect((await stateOf(name)).state).toBe('running');
  });

  it("uses the session's own idleTimeout over the platform default", async () => {
    const { name } = await newSession({ idleTimeout: '5m' });
    clock.advance(6 * MINUTE);
    expect(await monitor.tick()).toContain(name);
  });

  it('hibernates a session past its maximum duration even while connected, closing its connections', async () => {
    const { user, name } = await newSession({ maxSessionDuration: '1h' });
    const { connectionId } = (
      await request(url).get(`/api/v1/sessions/${name}/connect`).set('Authorization', user.bearer).expect(200)
    ).body;
    clock.advance(61 * MINUTE);
    await db.query('UPDATE connections SET last_heartbeat = $2 WHERE id = $1', [connectionId, clock.now()]);
    expect(await monitor.tick()).toContain(name);
    expect(await stateOf(name)).toEqual({ state: 'hibernated', reason: 'maxDuration' });
    const [connection] = await db.query('SELECT close_reason FROM connections WHERE id = $1', [connectionId]);
    expect(connection.close_reason).toBe('session_stopped');
  });

  it('skips a candidate that changed before it acted', async () => {
    const { user, name } = await newSession();
    clock.advance(31 * MINUTE);
    await request(url)
      .patch(`/api/v1/sessions/${name}`)
      .set('Authorization', user.bearer)
      .send({ state: 'terminated' })
      .expect(202);
    expect(await monitor.tick()).not.toContain(name);
    expect((await stateOf(name)).reason).toBe('user');
  });
});

describe('two replicas against one database', () => {
  it('hibernate each idle session exactly once', async () => {
    const first = await startTestApp({ RECONCILER_ENABLED: 'false' });
    const second = await startTestApp({ RECONCILER_ENABLED: 'false' });
    try {
      const template = await createTemplate(first.app);
      const names: string[] = [];
      for (let i = 0; i < 3; i++) {
        const user = await createAccount(first.app, first.url);
        names.push((await launchSession(first.url, user, { template })).name);
      }
      for (const replica of [first, second]) controllableClock(replica.app).advance(31 * MINUTE);
      const [a, b] = await Promise.all([first.app.get(IdleMonitor).tick(), second.app.get(IdleMonitor).tick()]);
      const hibernated = [...a, ...b].filter((name) => names.includes(name));
      expect(hibernated.sort()).toEqual([...names].sort());
      // A later tick finds nothing more to do for them.
      expect((await second.app.get(IdleMonitor).tick()).filter((name) => names.includes(name))).toEqual([]);
    } finally {
      await first.app.close();
      await second.app.close();
    }
  });
});
