import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createAccount, login } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

const revoked = { error: 'Token revoked', message: 'This token is no longer valid; log in again' };
const NEW_PASSWORD = 'a-new-long-password-42';

describe('account self-service: the Settings page (§3.18)', () => {
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS: '3' }));
  });
  afterAll(() => app?.close());

  const changePassword = (bearer: string, body: unknown) =>
    request(url)
      .post('/api/v1/auth/change-password')
      .set('Authorization', bearer)
      .send(body as object);
  const me = (bearer: string) => request(url).get('/api/v1/users/me').set('Authorization', bearer);

  it('changes the password with the documented body; other tokens are revoked, the caller keeps its own', async () => {
    const account = await createAccount(app, url);
    const otherDevice = `Bearer ${await login(url, account.username, account.password)}`;
    await changePassword(account.bearer, { oldPassword: account.password, newPassword: NEW_PASSWORD }).expect(200, {
      message: 'Password changed successfully',
    });
    await me(otherDevice).expect(401, revoked);
    await me(account.bearer).expect(200);
    await request(url)
      .post('/api/v1/auth/login')
      .send({ username: account.username, password: account.password })
      .expect(401);
    // A login right after the answer is never caught by the cutoff.
    await me(`Bearer ${await login(url, account.username, NEW_PASSWORD)}`).expect(200);
  });

  it('accepts the nested shape the dashboard sends', async () => {
    const account = await createAccount(app, url);
    const otherDevice = `Bearer ${await login(url, account.username, account.password)}`;
    await changePassword(account.bearer, {
      oldPassword: { currentPassword: account.password, newPassword: NEW_PASSWORD },
    }).expect(200, { message: 'Password changed successfully' });
    await me(otherDevice).expect(401, revoked);
    await login(url, account.username, NEW_PASSWORD);
  });

  it('answers 400 (never 401) for a wrong current password and counts it as a failed login', async () => {
    const account = await createAccount(app, url);
    const wrong = { error: 'Invalid current password', message: 'The current password is not correct' };
    for (let attempt = 0; attempt < 3; attempt++)
      await changePassword(account.bearer, { oldPassword: 'not-the-password', newPassword: NEW_PASSWORD }).expect(
        400,
        wrong,
      );
    // The per-username-and-address budget (3 here) is spent: logins from this address wait.
    await request(url)
      .post('/api/v1/auth/login')
      .send({ username: account.username, password: account.password })
      .expect(429);
    await me(account.bearer).expect(200);
  });

  it('applies the setup wizard password rules and validates the body', async () => {
    const account = await createAccount(app, url);
    const short = await changePassword(account.bearer, { oldPassword: account.password, newPassword: 'short' }).expect(
      400,
    );
    expect(short.body).toMatchObject({
      error: 'Invalid request',
      message: expect.stringContaining('at least 12 characters'),
    });
    await changePassword(account.bearer, { oldPassword: account.password, newPassword: 'password1234' }).expect(400);
    for (const body of [{}, { oldPassword: account.password }, { oldPassword: 1, newPassword: NEW_PASSWORD }, []])
      expect((await changePassword(account.bearer, body).expect(400)).body.error).toBe('Invalid request');
    await login(url, account.username, account.password);
    await request(url).post('/api/v1/auth/change-password').send({}).expect(401);
  });

  it('lists no second factors and answers 501 for the MFA routes', async () => {
    const account = await createAccount(app, url);
    await request(url)
      .get('/api/v1/security/mfa/methods')
      .set('Authorization', account.bearer)
      .expect(200, { methods: [] });
    const notAvailable = {
      error: 'Not available',
      message: 'Two-factor authentication is not available on this server',
    };
    for (const call of [
      request(url).post('/api/v1/security/mfa/setup').send({ type: 'totp' }),
      request(url).post('/api/v1/security/mfa/1/verify-setup').send({ code: '123456' }),
      request(url).post('/api/v1/security/mfa/verify').send({ code: '123456' }),
      request(url).delete('/api/v1/security/mfa/1'),
    ]) {
      const response = await call.set('Authorization', account.bearer).expect(501);
      expect(response.body).toMatchObject(notAvailable);
    }
    await request(url).get('/api/v1/security/mfa/methods').expect(401);
  });
});
