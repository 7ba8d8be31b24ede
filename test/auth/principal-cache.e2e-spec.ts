import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ChangeNotifications } from '../../src/database/change-notifications.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestApp } from '../support/test-app.js';

/**
 * Two replicas on one database. Replica B has just checked (and cached) a token; a write on
 * replica A that changes what the token stands for applies to B's very next request (§2.2).
 */
describe('principal cache: a change on one replica applies on the next request on every replica', () => {
  const replicas: { app: NestExpressApplication; url: string }[] = [];
  let a: string;
  let b: string;
  let admin: TestAccount;

  beforeAll(async () => {
    const JWT_SECRET = randomBytes(32).toString('hex');
    replicas.push(await startTestApp({ JWT_SECRET }), await startTestApp({ JWT_SECRET }));
    [a, b] = replicas.map((replica) => replica.url);
    admin = await createAccount(replicas[0].app, a, { role: 'admin' });
    // Until then a replica does not cache at all.
    await eventually(() => expect(replicas.every(({ app }) => app.get(ChangeNotifications).listening)).toBe(true));
  });
  afterAll(async () => {
    for (const { app } of replicas) await app.close();
  });

  const me = (url: string, account: TestAccount) =>
    request(url).get('/api/v1/users/me').set('Authorization', account.bearer);
  const updateUser = (account: TestAccount, body: object) =>
    request(a).patch(`/api/v1/users/${account.id}`).set('Authorization', admin.bearer).send(body).expect(200);

  it('demotion: the next admin-only request on the other replica is refused', async () => {
    const target = await createAccount(replicas[0].app, a, { role: 'admin' });
    await request(b).get('/api/v1/users').set('Authorization', target.bearer).expect(200);
    await request(b).get('/api/v1/users').set('Authorization', target.bearer).expect(200);
    await updateUser(target, { role: 'user' });
    await request(b).get('/api/v1/users').set('Authorization', target.bearer).expect(403);
    await me(b, target)
      .expect(200)
      .expect(({ body }) => expect(body.role).toBe('user'));
  });

  it('deactivation: 403 Account disabled on the other replica', async () => {
    const target = await createAccount(replicas[0].app, a);
    await me(b, target).expect(200);
    await updateUser(target, { active: false });
    await me(b, target).expect(403, { error: 'Account disabled', message: 'This account is disabled' });
  });

  it('logout and refresh: the old token gets 401 Token revoked on the other replica', async () => {
    const loggedOut = await createAccount(replicas[0].app, a);
    await me(b, loggedOut).expect(200);
    await request(a).post('/api/v1/auth/logout').set('Authorization', loggedOut.bearer).expect(200);
    await me(b, loggedOut).expect(401, {
      error: 'Token revoked',
      message: 'This token is no longer valid; log in again',
    });

    const refreshed = await createAccount(replicas[0].app, a);
    await me(b, refreshed).expect(200);
    await request(a).post('/api/v1/auth/refresh').send({ token: refreshed.token }).expect(200);
    await me(b, refreshed).expect(401);
  });

  it('deletion: 401 on the other replica, and on the replica that deleted', async () => {
    const target = await createAccount(replicas[0].app, a);
    await me(a, target).expect(200);
    await me(b, target).expect(200);
    await request(a).delete(`/api/v1/users/${target.id}`).set('Authorization', admin.bearer).expect(200);
    await me(b, target).expect(401);
    await me(a, target).expect(401);
  });

  it('a change to one account leaves the cached tokens of others in place and valid', async () => {
    const other = await createAccount(replicas[0].app, a);
    const target = await createAccount(replicas[0].app, a);
    await me(b, other).expect(200);
    await updateUser(target, { active: false });
    await me(b, other).expect(200);
  });
});
