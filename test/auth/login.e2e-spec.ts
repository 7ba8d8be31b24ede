import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { UsersService } from '../../src/users/users.service.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { controllableClock } from '../support/sessions.js';
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
    // Found by the write-route fuzzer: an object with a `constructor` key used to crash the body mapping (500).
    await request(url)
      .post('/api/v1/auth/login')
      .type('json')
      .send('{"username":{"constructor":{"prototype":{}}},"password":"x"}')
      .expect(400, invalid);
  });
});

describe('login throttling (§1.5 429)', () => {
  let app: NestExpressApplication;
  let url: string;
  let clock: ReturnType<typeof controllableClock>;
  let alice: TestAccount;
  let addresses = 0;

  /** A client address of its own for each test (the server trusts X-Forwarded-For from loopback here). */
  const newAddress = () => `198.51.100.${++addresses}`;
  const login = (address: string, username: string, password: string) =>
    request(url).post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ username, password });

  beforeAll(async () => {
    ({ app, url } = await startTestApp({
      TRUST_PROXY: 'loopback',
      LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS: '3',
      LOGIN_FAILURES_PER_ADDRESS: '6',
      LOGIN_FAILURES_PER_USERNAME: '5',
    }));
    clock = controllableClock(app);
    alice = await createAccount(app, url);
  });
  afterAll(() => app?.close());

  it('never counts successful logins: a client may log in as often as it likes', async () => {
    const address = newAddress();
    for (let attempt = 0; attempt < 12; attempt++) await login(address, alice.username, alice.password).expect(200);
  });

  it('clears the username+address counter on success', async () => {
    const bob = await createAccount(app, url);
    const address = newAddress();
    for (const password of ['wrong-1', 'wrong-2', bob.password, 'wrong-3', 'wrong-4', bob.password]) {
      await login(address, bob.username, password).expect(password === bob.password ? 200 : 401);
    }
  });

  it('blocks a username+address pair for five minutes after 3 failures, whatever the case', async () => {
    const carol = await createAccount(app, url);
    const address = newAddress();
    await login(address, carol.username, 'guess-1').expect(401);
    await login(address, carol.username.toUpperCase(), 'guess-2').expect(401);
    await login(address, carol.username, 'guess-3').expect(401);
    const blocked = await login(address, carol.username, carol.password).expect(429);
    expect(blocked.body).toEqual({
      error: 'Too many attempts',
      message: expect.stringMatching(/^Too many failed logins; try again in \d+ seconds$/),
    });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(290);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(300);

    // Carol from elsewhere, and someone else from this address, are still served.
    await login(newAddress(), carol.username, carol.password).expect(200);
    await login(address, alice.username, alice.password).expect(200);

    clock.advance(4 * 60_000);
    await login(address, carol.username, carol.password).expect(429);
    clock.advance(61_000);
    await login(address, carol.username, carol.password).expect(200);
  });

  it('limits failures per client address across usernames until the minute is over', async () => {
    const address = newAddress();
    for (let attempt = 0; attempt < 6; attempt++) await login(address, `nobody-${attempt}`, 'guess').expect(401);
    const limited = await login(address, alice.username, alice.password).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    await login(newAddress(), alice.username, alice.password).expect(200);
    clock.advance(61_000);
    await login(address, alice.username, alice.password).expect(200);
  });

  it('limits failures per username over all addresses for one minute', async () => {
    const dave = await createAccount(app, url);
    for (let attempt = 0; attempt < 5; attempt++) await login(newAddress(), dave.username, 'guess').expect(401);
    const limited = await login(newAddress(), dave.username, dave.password).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    clock.advance(61_000);
    await login(newAddress(), dave.username, dave.password).expect(200);
  });

  it('lets parallel guesses of one pair through only up to the limit', async () => {
    const address = newAddress();
    const eve = await createAccount(app, url);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => login(address, eve.username, `parallel-guess-${i}`)),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('refuses usernames no account can have before counting them, however long', async () => {
    const address = newAddress();
    const invalid = { error: 'Invalid request body', message: 'username and password are required' };
    for (const username of ['bad name', 'x'.repeat(64), '-dash-first', 'ünïcode', 'a'.repeat(2_000_000)]) {
      await login(address, username, 'guess').expect(400, invalid);
    }
    // None of those counted: the address still has its six failures.
    for (let attempt = 0; attempt < 6; attempt++) await login(address, `nobody-${attempt}`, 'guess').expect(401);
    await login(address, 'nobody-else', 'guess').expect(429);
  });
});
