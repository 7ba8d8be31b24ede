import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { LEADER_RETRY_MS, LeaderElection } from '../../src/database/leader-election.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { DedicatedPostgres } from '../support/dedicated-postgres.js';
import { eventually } from '../support/eventually.js';
import { controllableClock, createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';

/**
 * Issue 17 item 3: the database server restarts under a running API server. Its own PostgreSQL
 * instance, so stopping it disturbs no other suite.
 */
describe('PostgreSQL restart', () => {
  let postgres: DedicatedPostgres;
  let app: NestExpressApplication;
  let url: string;
  let user: TestAccount;

  beforeAll(async () => {
    postgres = await DedicatedPostgres.start();
    ({ app, url } = await startTestApp({
      DATABASE_URL: postgres.url,
      RECONCILER_ENABLED: 'false',
      IDLE_CHECK_INTERVAL: '1s',
    }));
    user = await createAccount(app, url);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await postgres?.destroy();
  });

  it('answers 503 Database unavailable while it is down, then recovers without a restart: routes, leader lock, idle monitor', async () => {
    const template = await createTemplate(app);
    const session = await launchSession(url, user, { template, persistentHome: false, idleTimeout: '1m' });
    const election = app.get(LeaderElection);
    await eventually(() => expect(election.isLeader).toBe(true));

    await postgres.stopServer();
    const down = await eventually(() =>
      request(url).get('/api/v1/sessions').set('Authorization', user.bearer).expect(503),
    );
    expect(down.body).toMatchObject({ error: 'Database unavailable', message: expect.any(String) });
    expect(down.headers['retry-after']).toBeDefined();
    // The leader proves its lock connection alive once per retry period (15 s, §5.9).
    await eventually(() => expect(election.isLeader).toBe(false), LEADER_RETRY_MS + 5_000, 100);
    const health = await eventually(() => request(url).get('/health').expect(503));
    expect(health.body.checks.database.status).toBe('down');

    const downAt = Date.now();
    await postgres.startServer();
    await eventually(() => request(url).get('/api/v1/sessions').set('Authorization', user.bearer).expect(200), 30_000);
    const recoveredMs = Date.now() - downAt;
    await eventually(() => expect(election.isLeader).toBe(true), LEADER_RETRY_MS + 5_000, 100);
    await eventually(() => request(url).get('/health').expect(200), 15_000);

    // The idle monitor's own ticks (every second) hibernate the session once it is idle past its timeout.
    controllableClock(app).advance(2 * 60_000);
    await eventually(
      async () => {
        const answer = await request(url).get(`/api/v1/sessions/${session.name}`).set('Authorization', user.bearer);
        expect(answer.body.state).toBe('hibernated');
      },
      15_000,
      200,
    );
    process.stdout.write(`database restart: routes answered again ${recoveredMs} ms after the server was started\n`);
  }, 120_000);
});
