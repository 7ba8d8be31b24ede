import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ConnectionTracker } from '../../src/connections/connection-tracker.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { controllableClock, createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';

/**
 * The web dashboard's viewer, request for request: JSON content type on every call, even GETs,
 * and the JSON body `null` on heartbeat and disconnect (api-contract §1.2, §3.3, §3.4).
 */
describe("the dashboard's session viewer", () => {
  let app: NestExpressApplication;
  let url: string;
  let clock: ReturnType<typeof controllableClock>;
  let template: string;
  let viewer: TestAccount;

  const dashboard = (method: 'get' | 'post', path: string, body?: string) => {
    const sent = request(url)
      [method](`/api/v1${path}`)
      .set('Authorization', viewer.bearer)
      .set('Content-Type', 'application/json');
    return body === undefined ? sent : sent.send(body);
  };

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    clock = controllableClock(app);
    template = await createTemplate(app);
    viewer = await createAccount(app, url);
  });
  afterAll(() => app?.close());

  it('keeps a viewed session connected with heartbeats every 30 s, then closes it', async () => {
    const tracker = app.get(ConnectionTracker);
    const { name } = await launchSession(url, viewer, { template });
    const connected = await dashboard('get', `/sessions/${name}/connect?user=${viewer.username}`).expect(200);
    const { connectionId } = connected.body as { connectionId: string };

    for (let beat = 1; beat <= 4; beat++) {
      clock.advance(30_000);
      const answer = await dashboard('post', `/sessions/${name}/heartbeat?connectionId=${connectionId}`, 'null');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'ok', sessionId: name, connectionId });
      await tracker.tick();
      expect((await dashboard('get', `/sessions/${name}`).expect(200)).body).toMatchObject({ activeConnections: 1 });
    }
    // Two minutes in, the viewer is still connected, so the session is not idle.
    const status = await dashboard('get', `/sessions/${name}/activity-status`).expect(200);
    expect(status.body).toMatchObject({ state: 'running', activeConnections: 1, hibernateAt: null });

    await dashboard('post', `/sessions/${name}/disconnect?connectionId=${connectionId}`, 'null').expect(200, {
      message: 'Connection closed',
      activeConnections: 0,
    });
  });

  it('connects with POST and a body that is absent, null or an object, never an array', async () => {
    const { name } = await launchSession(url, viewer, { template });
    await dashboard('post', `/sessions/${name}/connect`).expect(200);
    await dashboard('post', `/sessions/${name}/connect`, 'null').expect(200);
    await dashboard('post', `/sessions/${name}/connect`, JSON.stringify({ user: viewer.username })).expect(200);
    for (const body of ['[]', `["${viewer.username}"]`, '"text"']) {
      await dashboard('post', `/sessions/${name}/connect`, body).expect(400, {
        error: 'Invalid request',
        message: 'body: must be a JSON object',
        details: [{ field: 'body', message: 'must be a JSON object' }],
      });
    }
    expect((await dashboard('get', `/sessions/${name}/connections`).expect(200)).body).toMatchObject({ total: 3 });
  });
});
