import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createAccount } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

describe('account self-service: the Settings page (§3.18)', () => {
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
  });
  afterAll(() => app?.close());

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
