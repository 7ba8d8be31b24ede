import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { runAdminSql } from '../setup/global-setup.js';
import { login } from '../support/accounts.js';
import { createScratchDatabase } from '../support/database.js';
import { startTestApp } from '../support/test-app.js';

const GOOD = { password: 'a-long-enough-secret', passwordConfirm: 'a-long-enough-secret', email: 'root@example.com' };

describe('first-run setup of the bootstrap admin (§2.5, §3.1)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  /** The server on a database fresh from migrations, where `admin` has no password. */
  async function freshServer() {
    const db = await createScratchDatabase();
    cleanups.push(db.drop);
    const started = await startTestApp({ DATABASE_URL: db.url });
    cleanups.push(() => started.app.close());
    return { ...started, db };
  }
  const setup = (url: string, body: unknown) =>
    request(url)
      .post('/api/v1/auth/setup')
      .send(body as object);

  it('is available once: validates in order, configures the admin, then refuses', async () => {
    const { url } = await freshServer();
    await request(url).get('/api/v1/auth/setup/status').expect(200, {
      setupRequired: true,
      adminExists: true,
      hasPassword: false,
      message: 'Setup wizard is available - admin account needs password configuration',
    });

    const refusals: [unknown, string][] = [
      [{ password: GOOD.password }, 'Invalid request format'],
      [{ ...GOOD, passwordConfirm: 'something-else-entirely' }, 'Passwords do not match'],
      [
        { ...GOOD, password: 'short', passwordConfirm: 'short' },
        'password must be at least 12 characters long (NIST recommendation for admin accounts)',
      ],
      [
        { ...GOOD, password: 'x'.repeat(129), passwordConfirm: 'x'.repeat(129) },
        'password must be 128 characters or less',
      ],
      [
        { ...GOOD, password: 'password1234', passwordConfirm: 'password1234' },
        'password is too common - please choose a stronger password',
      ],
      [{ ...GOOD, email: `${'a'.repeat(250)}@x.io` }, 'email must be 254 characters or less (RFC 5321 limit)'],
      [{ ...GOOD, email: 'not-an-email' }, 'invalid email format'],
    ];
    for (const [body, sentence] of refusals) await setup(url, body).expect(400, { error: sentence, message: sentence });

    await setup(url, GOOD).expect(200, {
      message: 'Admin account configured successfully - setup wizard is now disabled',
      username: 'admin',
      email: GOOD.email,
    });
    await login(url, 'admin', GOOD.password);

    const again = await setup(url, GOOD).expect(403);
    expect(again.body).toEqual({
      error: 'Setup wizard is disabled - admin account is already configured',
      message: 'Setup wizard is disabled - admin account is already configured',
      hint: 'Use the login page or password reset mechanism instead',
    });
    const status = await request(url).get('/api/v1/auth/setup/status').expect(200);
    expect(status.body).toMatchObject({
      setupRequired: false,
      hasPassword: true,
      message: 'Setup wizard disabled - admin account is already configured',
    });
  });

  it('lets exactly one of two racing setup requests win', async () => {
    const { url } = await freshServer();
    const results = await Promise.all([
      setup(url, GOOD),
      setup(url, { ...GOOD, password: 'another-long-secret', passwordConfirm: 'another-long-secret' }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
  });

  it('reports that there is nothing to set up when the admin account is missing', async () => {
    const { url, db } = await freshServer();
    await runAdminSql(db.url, `DELETE FROM users WHERE username = 'admin'`);
    const status = await request(url).get('/api/v1/auth/setup/status').expect(200);
    expect(status.body).toMatchObject({
      setupRequired: false,
      adminExists: false,
      message: 'Setup wizard unavailable - admin user not created yet (check database migration)',
    });
    await setup(url, GOOD).expect(403, {
      error: 'Setup wizard is not available - admin user not created yet',
      message: 'Setup wizard is not available - admin user not created yet',
      hint: 'Check database migration logs for errors',
    });
  });

  it('takes ADMIN_PASSWORD only while the admin has none, and ADMIN_PASSWORD_RESET at every start', async () => {
    const db = await createScratchDatabase();
    cleanups.push(db.drop);

    const first = await startTestApp({ DATABASE_URL: db.url, ADMIN_PASSWORD: 'first-admin-password' });
    await login(first.url, 'admin', 'first-admin-password').finally(() => first.app.close());

    const JWT_SECRET = 'one-signing-key-for-both-starts-0123456789';
    const second = await startTestApp({ DATABASE_URL: db.url, ADMIN_PASSWORD: 'second-admin-password', JWT_SECRET });
    let beforeReset: string;
    try {
      beforeReset = await login(second.url, 'admin', 'first-admin-password');
      await setup(second.url, GOOD).expect(403);
    } finally {
      await second.app.close();
    }

    const reset = await startTestApp({
      DATABASE_URL: db.url,
      ADMIN_PASSWORD_RESET: 'reset-admin-password',
      JWT_SECRET,
    });
    cleanups.push(() => reset.app.close());
    // The reset revokes every token issued before it (issue 16).
    await request(reset.url)
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${beforeReset}`)
      .expect(401, { error: 'Token revoked', message: 'This token is no longer valid; log in again' });
    await login(reset.url, 'admin', 'reset-admin-password');
    await request(reset.url)
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: 'first-admin-password' })
      .expect(401);
  });
});
