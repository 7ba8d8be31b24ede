import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import type { AppConfig } from '../../src/config/app-config.js';
import { UsersService } from '../../src/users/users.service.js';
import { createAccount, login, type TestAccount } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

describe('tokens: every request is checked against the token and the database (§2.2)', () => {
  let app: NestExpressApplication;
  let url: string;
  let config: AppConfig;
  let admin: TestAccount;

  /** A token as the server would sign it, with chosen claims. */
  const forge = (
    claims: { sub: string; iss?: string; exp?: number; nbf?: number; auth_time?: number },
    secret = config.jwt.secret,
  ) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ username: 'x', role: 'admin', ...(claims.auth_time && { auth_time: claims.auth_time }) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setJti(crypto.randomUUID())
      .setIssuer(claims.iss ?? 'streamspace-api')
      .setIssuedAt(now)
      .setNotBefore(claims.nbf ?? now)
      .setExpirationTime(claims.exp ?? now + 3600)
      .sign(new TextEncoder().encode(secret));
  };
  const me = (authorization?: string) => {
    const call = request(url).get('/api/v1/users/me');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  beforeAll(async () => {
    ({ app, url, config } = await startTestApp());
    admin = await createAccount(app, url, { role: 'admin' });
  });
  afterAll(() => app?.close());

  it('answers 401 without a header or with another scheme', async () => {
    await me().expect(401, { error: 'Authorization header required', message: 'Send Authorization: Bearer <token>' });
    await me(`Token ${admin.token}`).expect(401, {
      error: 'Invalid authorization header format',
      message: 'Use: Bearer <token>',
    });
    await me('Bearer').expect(401);
  });

  it('accepts its own token and rejects tampered, unsigned, foreign-issuer, foreign-key and malformed ones', async () => {
    await me(admin.bearer).expect(200);
    const [header, payload, signature] = admin.token.split('.');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const tampered = [header, payload, flipped].join('.');
    const unsigned = new UnsecuredJWT({ username: admin.username })
      .setSubject(admin.id)
      .setIssuer('streamspace-api')
      .setJti('x')
      .setExpirationTime('1h')
      .encode();
    for (const token of [
      tampered,
      unsigned,
      await forge({ sub: admin.id, iss: 'someone-else' }),
      await forge({ sub: admin.id }, 'another-secret-another-secret-another-secret'),
      'not.a.jwt',
    ]) {
      const response = await me(`Bearer ${token}`).expect(401);
      expect(response.body.error).toBe('Invalid or expired token');
    }
  });

  it('says "expired" for an expired token and rejects one not yet valid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await me(`Bearer ${await forge({ sub: admin.id, exp: now - 10, nbf: now - 100 })}`).expect(401);
    expect(expired.body).toEqual({ error: 'Invalid or expired token', message: expect.stringContaining('expired') });
    const early = await me(`Bearer ${await forge({ sub: admin.id, nbf: now + 600 })}`).expect(401);
    expect(early.body.error).toBe('Invalid or expired token');
  });

  it('revokes the token on logout; the same token then gets 401 Token revoked', async () => {
    const account = await createAccount(app, url);
    await request(url)
      .post('/api/v1/auth/logout')
      .set('Authorization', account.bearer)
      .expect(200, { message: 'Logged out successfully' });
    const revoked = { error: 'Token revoked', message: 'This token is no longer valid; log in again' };
    await me(account.bearer).expect(401, revoked);
    await request(url).post('/api/v1/auth/logout').set('Authorization', account.bearer).expect(401, revoked);
  });

  it('rotates on refresh: a new token with user, groups and quota; the old one is revoked', async () => {
    const account = await createAccount(app, url);
    const refreshed = await request(url).post('/api/v1/auth/refresh').send({ token: account.token }).expect(200);
    expect(refreshed.body.token).not.toBe(account.token);
    expect(refreshed.body.user).toMatchObject({
      id: account.id,
      username: account.username,
      groups: [expect.any(String)],
    });
    expect(refreshed.body.user.quota).toMatchObject({
      maxSessions: 5,
      usedSessions: 0,
      maxCpu: '4000m',
      usedCpu: '0m',
    });

    await me(`Bearer ${refreshed.body.token}`).expect(200);
    await me(account.bearer).expect(401, {
      error: 'Token revoked',
      message: 'This token is no longer valid; log in again',
    });
    await request(url).post('/api/v1/auth/refresh').send({ token: account.token }).expect(401);
  });

  it('lets only one of two parallel refreshes of one token succeed', async () => {
    const account = await createAccount(app, url);
    const results = await Promise.all(
      [1, 2].map(() => request(url).post('/api/v1/auth/refresh').send({ token: account.token })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('validates the refresh body', async () => {
    await request(url)
      .post('/api/v1/auth/refresh')
      .send({})
      .expect(400, { error: 'Invalid request body', message: 'token is required' });
    const garbage = await request(url).post('/api/v1/auth/refresh').send({ token: 'garbage' }).expect(401);
    expect(garbage.body.error).toBe('Invalid or expired token');
  });

  it('applies a promotion and a demotion on the next request, without a new login', async () => {
    const account = await createAccount(app, url);
    await request(url).get('/api/v1/users').set('Authorization', account.bearer).expect(403, {
      error: 'Insufficient permissions',
      message: 'This action requires the admin role',
    });
    await request(url)
      .patch(`/api/v1/users/${account.id}`)
      .set('Authorization', admin.bearer)
      .send({ role: 'admin' })
      .expect(200);
    await request(url).get('/api/v1/users').set('Authorization', account.bearer).expect(200);
    await request(url)
      .patch(`/api/v1/users/${account.id}`)
      .set('Authorization', admin.bearer)
      .send({ role: 'operator' })
      .expect(200);
    await request(url).get('/api/v1/users').set('Authorization', account.bearer).expect(403);
    const meNow = await me(account.bearer).expect(200);
    expect(meNow.body.role).toBe('operator');
  });

  it('answers 403 Account disabled once the account is disabled, also on refresh', async () => {
    const account = await createAccount(app, url);
    await request(url)
      .patch(`/api/v1/users/${account.id}`)
      .set('Authorization', admin.bearer)
      .send({ active: false })
      .expect(200);
    await me(account.bearer).expect(403, { error: 'Account disabled', message: 'This account is disabled' });
    await request(url).post('/api/v1/auth/refresh').send({ token: account.token }).expect(403);
  });

  it('answers 401 when the token outlives its user', async () => {
    const account = await createAccount(app, url);
    await app.get(UsersService).delete(account.id);
    await me(account.bearer).expect(401, {
      error: 'Invalid or expired token',
      message: 'The user for this token no longer exists',
    });
  });

  it('revokes every earlier token of a user when an admin changes their password; a new login works at once', async () => {
    const account = await createAccount(app, url);
    const second = await login(url, account.username, account.password);
    await request(url)
      .patch(`/api/v1/users/${account.id}`)
      .set('Authorization', admin.bearer)
      .send({ password: 'a-brand-new-password-1' })
      .expect(200);
    const revoked = { error: 'Token revoked', message: 'This token is no longer valid; log in again' };
    await me(account.bearer).expect(401, revoked);
    await me(`Bearer ${second}`).expect(401, revoked);
    await request(url).post('/api/v1/auth/refresh').send({ token: second }).expect(401, revoked);
    const fresh = await login(url, account.username, 'a-brand-new-password-1');
    await me(`Bearer ${fresh}`).expect(200);
    // Other changes to the account leave its tokens alone.
    await request(url)
      .patch(`/api/v1/users/${account.id}`)
      .set('Authorization', admin.bearer)
      .send({ fullName: 'Renamed' })
      .expect(200);
    await me(`Bearer ${fresh}`).expect(200);
  });

  it('keeps the login time across refreshes and refuses a refresh 7 days after the login', async () => {
    const account = await createAccount(app, url);
    const refreshed = await request(url).post('/api/v1/auth/refresh').send({ token: account.token }).expect(200);
    const original = decodeJwt(account.token);
    expect(decodeJwt(refreshed.body.token).auth_time).toBe(original.auth_time);

    const now = Math.floor(Date.now() / 1000);
    const sixDaysOld = await forge({ sub: account.id, auth_time: now - 6 * 24 * 3600 });
    await request(url).post('/api/v1/auth/refresh').send({ token: sixDaysOld }).expect(200);
    const eightDaysOld = await forge({ sub: account.id, auth_time: now - 8 * 24 * 3600 });
    await me(`Bearer ${eightDaysOld}`).expect(200);
    const refused = await request(url).post('/api/v1/auth/refresh').send({ token: eightDaysOld }).expect(401);
    expect(refused.body).toEqual({ error: 'Invalid or expired token', message: expect.stringContaining('expired') });
  });
});
