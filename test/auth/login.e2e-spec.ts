import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { UsersService } from '../../src/users/users.service.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

describe('POST /api/v1/auth/login', () => {
  let app: NestExpressApplication;
  let url: string;
  let alice: TestAccount;

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    alice = await createAccount(app, url, { username: `Alice-${Date.now()}` });
  });
  afterAll(() => app?.close());

  it('answers a token, its expiry and the user with group ids, matching the username without case', async () => {
    const before = Date.now();
    const response = await request(url)
      .post('/api/v1/auth/login')
      .send({ username: alice.username.toUpperCase(), password: alice.password })
      .expect(200);
    const { token, expiresAt, user } = response.body;
    expect(user).toMatchObject({
      id: alice.id,
      username: alice.username,
      role: 'user',
      provider: 'local',
      active: true,
    });
    expect(user.groups).toHaveLength(1);
    expect(user.quota).toBeUndefined();
    expect(user.passwordHash).toBeUndefined();
    expect(Object.keys(user)).not.toContain('password');

    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: alice.id, username: alice.username, role: 'user', iss: 'streamspace-api' });
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp! - claims.iat!).toBe(24 * 3600);
    expect(new Date(expiresAt).getTime()).toBe(claims.exp! * 1000);
    expect(claims.iat! * 1000).toBeGreaterThanOrEqual(before - 1000);
  });

  it('reports the previous login time and records this one', async () => {
    const first = await request(url)
      .post('/api/v1/auth/login')
      .send({ username: alice.username, password: alice.password })
      .expect(200);
    const second = await request(url)
      .post('/api/v1/auth/login')
      .send({ username: alice.username, password: alice.password })
      .expect(200);
    expect(second.body.user.lastLogin).not.toBeNull();
    expect(new Date(second.body.user.lastLogin).getTime()).toBeGreaterThan(
      new Date(first.body.user.lastLogin ?? 0).getTime(),
    );
  });

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const invalid = { error: 'Invalid credentials', message: 'Invalid username or password' };
    await request(url)
      .post('/api/v1/auth/login')
      .send({ username: alice.username, password: 'wrong-password-1' })
      .expect(401, invalid);
    await request(url)
      .post('/api/v1/auth/login')
      .send({ username: 'nobody-here', password: 'whatever-123' })
      .expect(401, invalid);
  });

  it('refuses the bootstrap admin while it has no password', async () => {
    await request(url).post('/api/v1/auth/login').send({ username: 'admin', password: '' }).expect(400);
    await request(url).post('/api/v1/auth/login').send({ username: 'nobody', password: 'x' }).expect(401);
  });

  it('answers 403 to a disabled account with the right password, 401 with a wrong one', async () => {
    const bob = await createAccount(app, url);
    await app.get(UsersService).update(bob.id, { active: false });
    await request(url)
      .post('/api/v1/auth/login')
      .send({ username: bob.username, password: bob.password })
      .expect(403, { error: 'Account disabled', message: 'This account is disabled' });
    await request(url)
      .post('/api/v1/auth/login')
      .send({ username: bob.username, password: 'not-his-password' })
      .expect(401);
  });

  it('answers 400 when a field is missing, empty or not a string, or the body is not JSON', async () => {
    const invalid = { error: 'Invalid request body', message: 'username and password are required' };
    await request(url).post('/api/v1/auth/login').send({ username: alice.username }).expect(400, invalid);
    await request(url).post('/api/v1/auth/login').send({ username: '', password: 'x' }).expect(400, invalid);
    await request(url).post('/api/v1/auth/login').send({ username: 1, password: 'x' }).expect(400, invalid);
    await request(url).post('/api/v1/auth/login').send([alice.username]).expect(400, invalid);
    await request(url).post('/api/v1/auth/login').type('form').send('username=a&password=b').expect(400, invalid);
  });
});

describe('login throttling', () => {
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ LOGIN_ATTEMPTS_PER_USERNAME: '3', LOGIN_ATTEMPTS_PER_ADDRESS: '8' }));
  });
  afterAll(() => app?.close());

  it('limits attempts per username, whatever the case, with 429 and Retry-After', async () => {
    const victim = await createAccount(app, url); // one attempt: the login inside createAccount
    await request(url).post('/api/v1/auth/login').send({ username: victim.username, password: 'guess-1' }).expect(401);
    await request(url)
      .post('/api/v1/auth/login')
      .send({ username: victim.username.toUpperCase(), password: 'guess-2' })
      .expect(401);
    const limited = await request(url)
      .post('/api/v1/auth/login')
      .send({ username: victim.username, password: victim.password })
      .expect(429);
    expect(limited.body).toEqual({
      error: 'Too many attempts',
      message: expect.stringMatching(/^Too many login attempts/),
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same address is still served.
    await request(url).post('/api/v1/auth/login').send({ username: 'someone-else', password: 'guess-3' }).expect(401);
  });

  it('limits attempts per client address across usernames', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const response = await request(url)
        .post('/api/v1/auth/login')
        .send({ username: `spray-${attempt}`, password: 'guess' });
      statuses.push(response.status);
    }
    // 2 attempts were made by the previous test's other logins from this address (8 allowed in all).
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(429);
  });
});
