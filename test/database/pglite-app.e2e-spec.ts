import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { login, uniqueName } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

/** `npm run dev` without a database: the whole server on embedded PGlite. */
describe('the server on embedded PGlite', () => {
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startTestApp({
      DATABASE_URL: '',
      PGLITE_DIR: 'memory',
      ADMIN_PASSWORD: 'pglite-admin-password',
      RECONCILER_ENABLED: 'false',
    }));
  });
  afterAll(() => app?.close());

  it('logs in, manages accounts and groups, and launches a session', async () => {
    const admin = `Bearer ${await login(url, 'admin', 'pglite-admin-password')}`;
    const username = uniqueName('pg');
    const created = await request(url)
      .post('/api/v1/users')
      .set('Authorization', admin)
      .send({ username, email: `${username}@example.test`, password: 'a-good-long-password', role: 'operator' })
      .expect(201);
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    await request(url)
      .post('/api/v1/groups')
      .set('Authorization', admin)
      .send({ name: uniqueName('team') })
      .expect(201);

    const operator = `Bearer ${await login(url, username, 'a-good-long-password')}`;
    const template = uniqueName('pgtpl');
    await request(url)
      .post('/api/v1/templates')
      .set('Authorization', operator)
      .send({ name: template, displayName: 'T', baseImage: 'nginx:1.27' })
      .expect(201);
    const session = (
      await request(url).post('/api/v1/sessions').set('Authorization', operator).send({ template }).expect(202)
    ).body;
    const listed = (await request(url).get('/api/v1/sessions').set('Authorization', operator).expect(200)).body;
    expect(listed.sessions.map((s: { name: string }) => s.name)).toContain(session.name);
    await request(url).delete(`/api/v1/sessions/${session.name}`).set('Authorization', operator).expect(202);
  });
});
