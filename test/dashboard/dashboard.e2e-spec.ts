import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { testNamespace } from '../support/namespace.js';
import { createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';

describe('dashboards (§3.11)', () => {
  let app: NestExpressApplication;
  let url: string;
  let operator: TestAccount;
  let template: string;
  const get = (path: string, account = operator) =>
    request(url).get(`/api/v1/dashboard${path}`).set('Authorization', account.bearer);

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    operator = await createAccount(app, url, { role: 'operator' });
    template = await createTemplate(app);
  });
  afterAll(() => app?.close());

  it('shows a user their own sessions, quota and connections of the last day', async () => {
    const user = await createAccount(app, url);
    const empty = (await get('/me', user).expect(200)).body;
    expect(empty).toMatchObject({
      sessions: { total: 0, running: 0, hibernated: 0, terminated: 0 },
      recentActivity: { connections24h: 0 },
    });
    expect(empty.quota).toMatchObject({ userId: user.id, maxSessions: 5, usedSessions: 0 });

    const [a, b] = [await launchSession(url, user, { template }), await launchSession(url, user, { template })];
    await request(url)
      .patch(`/api/v1/sessions/${b.name}`)
      .set('Authorization', user.bearer)
      .send({ state: 'hibernated' })
      .expect(202);
    await request(url).get(`/api/v1/sessions/${a.name}/connect`).set('Authorization', user.bearer).expect(200);
    const mine = (await get('/me', user).expect(200)).body;
    expect(mine.sessions).toEqual({ total: 2, running: 1, hibernated: 1, terminated: 0 });
    expect(mine.recentActivity.connections24h).toBe(1);
    expect(mine.quota).toMatchObject({ usedSessions: 1, usedCpu: '1000m', usedMemory: '2048Mi' });
  });

  it('moves the platform figures with what happens', async () => {
    const before = (await get('/platform').expect(200)).body;
    const user = await createAccount(app, url);
    const session = await launchSession(url, user, { template });
    await request(url).get(`/api/v1/sessions/${session.name}/connect`).set('Authorization', user.bearer).expect(200);
    const after = (await get('/platform').expect(200)).body;
    expect(after.users.total).toBe(before.users.total + 1);
    expect(after.users.active).toBe(before.users.active + 1);
    expect(after.sessions.running).toBe(before.sessions.running + 1);
    expect(after.connections.active).toBe(before.connections.active + 1);
    expect(after.activity24h.sessionsCreated).toBe(before.activity24h.sessionsCreated + 1);
    expect(after.templates.total).toBeGreaterThanOrEqual(1);
  });

  it('sums usage and limits, and ranks the top consumers by CPU then memory', async () => {
    const before = (await get('/resources').expect(200)).body;
    const heavy = await createAccount(app, url);
    await launchSession(url, heavy, { template, resources: { cpu: '2', memory: '4Gi' } });
    const after = (await get('/resources').expect(200)).body;
    expect(parseInt(after.aggregate.usedCpu)).toBe(parseInt(before.aggregate.usedCpu) + 2000);
    expect(after.aggregate.usedSessions).toBe(before.aggregate.usedSessions + 1);
    expect(parseInt(after.aggregate.maxCpu)).toBe(parseInt(before.aggregate.maxCpu) + 4000);
    expect(after.aggregate.maxSessions).toBe(before.aggregate.maxSessions + 5);
    const top = after.topConsumers.find((c: { username: string }) => c.username === heavy.username);
    expect(top).toEqual({
      userId: heavy.id,
      username: heavy.username,
      sessions: 1,
      cpuUsage: '2000m',
      memoryUsage: '4096Mi',
    });
    const cpus = after.topConsumers.map((c: { cpuUsage: string }) => parseInt(c.cpuUsage));
    expect(cpus).toEqual([...cpus].sort((x, y) => y - x));
  });

  it('pages enabled users by sessions in use and validates the query', async () => {
    const page = (await get('/users?limit=3&offset=0').expect(200)).body;
    expect(page).toMatchObject({ limit: 3, offset: 0 });
    expect(page.users.length).toBeLessThanOrEqual(3);
    const used = page.users.map((u: { usedSessions: number }) => u.usedSessions);
    expect(used).toEqual([...used].sort((x, y) => y - x));
    expect(page.users[0]).toEqual(
      expect.objectContaining({ maxCpu: expect.stringMatching(/^\d+m$/), maxStorage: expect.stringMatching(/Gi$/) }),
    );
    for (const bad of ['limit=0', 'limit=201', 'offset=-1', 'limit=ten']) await get(`/users?${bad}`).expect(400);
  });

  it('ranks templates by sessions ever created and counts the running ones', async () => {
    const own = await createTemplate(app);
    const user = await createAccount(app, url);
    const first = await launchSession(url, user, { template: own });
    await launchSession(url, user, { template: own });
    await request(url).delete(`/api/v1/sessions/${first.name}`).set('Authorization', user.bearer).expect(202);
    // History makes it the most used template of the run: deleted sessions still count.
    const db = app.get<DataSource>(getDataSourceToken());
    await db.query(
      `INSERT INTO sessions (name, namespace, username, template_name, state, cpu, memory, cpu_millicores, memory_mib,
                             persistent_home, idle_timeout, max_session_duration, deleted_at)
       SELECT $1 || '-old-' || n, $3, $2, $1, 'terminated', '1', '1Gi', 1000, 1024, true, '30m', '8h', now()
         FROM generate_series(1, 100) AS n`,
      [own, user.username, testNamespace()],
    );
    const ranked = (await get('/templates').expect(200)).body.templates;
    expect(ranked.length).toBeLessThanOrEqual(20);
    expect(ranked[0]).toEqual({ templateName: own, sessionCount: 102, runningCount: 1 });
    const counts = ranked.map((t: { sessionCount: number }) => t.sessionCount);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
  });

  it('gives one entry per UTC day, newest first, zero days included', async () => {
    const timeline = (await get('/timeline?days=3').expect(200)).body;
    expect(timeline.days).toBe(3);
    const today = new Date().toISOString().slice(0, 10);
    expect(timeline.sessions.map((d: { date: string }) => d.date)[0]).toBe(today);
    expect(timeline.sessions).toHaveLength(3);
    expect(timeline.connections).toHaveLength(3);
    expect(timeline.sessions[0].count).toBeGreaterThan(0);
    for (const bad of ['days=0', 'days=91', 'days=abc']) await get(`/timeline?${bad}`).expect(400);
  });

  it('keeps the platform dashboards to operators and admins', async () => {
    const user = await createAccount(app, url);
    for (const path of ['/platform', '/resources', '/users', '/templates', '/timeline'])
      await get(path, user).expect(403);
    await request(url).get('/api/v1/dashboard/me').expect(401);
  });
});
