import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WebSocket } from 'ws';
import { WebSocketAuthenticator } from '../../src/auth/websocket-authenticator.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

/** What a client sees: the upgrade's answer, and the agreed subprotocol when it opened. */
function connect(url: string, options: { protocols?: string[]; origin?: string } = {}) {
  return new Promise<{ status: number; protocol?: string; body?: unknown }>((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { origin: options.origin });
    socket.on('open', () => {
      resolve({ status: 101, protocol: socket.protocol });
      socket.close();
    });
    socket.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    socket.on('error', reject);
  });
}

describe('WebSocket admission with the REST token (§8.1), through the server’s own upgrade path', () => {
  let app: NestExpressApplication;
  let base: string;
  let user: TestAccount;
  let operator: TestAccount;

  beforeAll(async () => {
    let url: string;
    ({ app, url } = await startTestApp({ CORS_ALLOWED_ORIGINS: 'http://localhost:5173' }));
    [user, operator] = await Promise.all([createAccount(app, url), createAccount(app, url, { role: 'operator' })]);
    base = `${url.replace(/^http/, 'ws')}/api/v1/ws`;
  });
  afterAll(() => app?.close());

  it('admits the query token the UI sends', async () => {
    expect(await connect(`${base}/sessions?token=${encodeURIComponent(user.token)}`)).toMatchObject({ status: 101 });
  });

  it('admits the bearer subprotocol and answers streamspace.v1 when offered, else the bearer entry', async () => {
    const bearer = `base64url.bearer.authorization.k8s.io.${Buffer.from(user.token).toString('base64url')}`;
    expect(await connect(`${base}/sessions`, { protocols: ['streamspace.v1', bearer] })).toEqual({
      status: 101,
      protocol: 'streamspace.v1',
    });
    expect(await connect(`${base}/sessions`, { protocols: [bearer] })).toEqual({ status: 101, protocol: bearer });
  });

  it('refuses before the upgrade: no token 401, bad token 401, low role 403', async () => {
    expect(await connect(`${base}/sessions`)).toMatchObject({ status: 401 });
    const bad = await connect(`${base}/sessions?token=nope`);
    expect(bad).toMatchObject({ status: 401, body: { error: 'Invalid or expired token' } });
    const low = await connect(`${base}/cluster?token=${user.token}`);
    expect(low).toMatchObject({ status: 403, body: { error: 'Insufficient permissions' } });
    expect(await connect(`${base}/cluster?token=${operator.token}`)).toMatchObject({ status: 101 });
  });

  it("re-checks an open socket's token and role on demand, as pings will (§8.2)", async () => {
    const authenticator = app.get(WebSocketAuthenticator);
    await expect(authenticator.recheck(operator.token, 'operator')).resolves.toMatchObject({ id: operator.id });
    await expect(authenticator.recheck(user.token, 'operator')).rejects.toMatchObject({ status: 403 });
    await expect(authenticator.recheck('garbage', 'user')).rejects.toMatchObject({ status: 401 });
  });

  it('checks the Origin: allowed list or same host pass, others get 403', async () => {
    const token = encodeURIComponent(user.token);
    expect(await connect(`${base}/sessions?token=${token}`, { origin: 'http://localhost:5173' })).toMatchObject({
      status: 101,
    });
    const host = new URL(base).host;
    expect(await connect(`${base}/sessions?token=${token}`, { origin: `https://${host}` })).toMatchObject({
      status: 101,
    });
    expect(await connect(`${base}/sessions?token=${token}`, { origin: 'https://evil.example' })).toMatchObject({
      status: 403,
      body: { error: 'Origin not allowed' },
    });
  });
});
