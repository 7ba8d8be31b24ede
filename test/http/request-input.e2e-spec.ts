import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express } from 'express';
import request from 'supertest';
import { TokenService } from '../../src/auth/token.service.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { raw } from '../support/raw-request.js';
import { startTestApp } from '../support/test-app.js';

/** One operation of the OpenAPI document, with the Express route that serves it. */
interface Operation {
  method: string;
  /** Express form, e.g. `/api/v1/sessions/:id/heartbeat`. */
  route: string;
  takesBody: boolean;
  /** Path parameters; wildcards (label and taint keys, which may hold `/`) separately. */
  names: string[];
  wildcards: string[];
}

/** Bodies a route that takes none must ignore (api-contract §1.2), as the UI and other clients send them. */
const IGNORED_BODIES: { name: string; contentType: string; body: string }[] = [
  { name: 'JSON null', contentType: 'application/json', body: 'null' },
  { name: 'an empty object', contentType: 'application/json', body: '{}' },
  { name: 'an empty JSON body', contentType: 'application/json', body: '' },
  { name: 'an array', contentType: 'application/json', body: '[1,"two"]' },
  { name: 'a JSON string', contentType: 'application/json', body: '"text"' },
  { name: 'malformed JSON', contentType: 'application/json', body: '{"unclosed": ' },
  { name: 'a NUL byte', contentType: 'application/json', body: '{"name":"a\\u0000b"}' },
  { name: 'a form', contentType: 'application/x-www-form-urlencoded', body: 'a=b&c=d' },
  { name: 'plain text', contentType: 'text/plain', body: 'hello' },
];

/** Segments that are not a name (api-contract §1.4), as they arrive on the wire. */
const NOT_NAMES = ['.', '..', '%2e', '%2E%2e', '%2F', 'ok%2Fname', '..%2F..%2Fsecrets'];
/** Nesting that recursive code (validation, merge patches) could not follow without a 500. */
const TOO_DEEP = `{"name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
/** A favourite's key is opaque text, not a name (§3.2). */
const OPAQUE_KEYS = ['templateName'];

describe('request input rules: bodies, NUL bytes and names in paths (api-contract §1.2, §1.4)', () => {
  let app: NestExpressApplication;
  let url: string;
  let admin: TestAccount;
  let operations: Operation[];
  /** A fresh admin token per request, so logout's revocation cannot change the next answer. */
  const freshToken = async () =>
    (await app.get(TokenService).issue({ id: admin.id, username: admin.username, role: 'admin' })).token;
  /** A path with every parameter filled with a name that exists nowhere. */
  const pathOf = (operation: Operation, replace: Record<string, string> = {}) =>
    operation.route.replace(/[:*](\w+)/g, (_, name: string) => replace[name] ?? `no-such-${name.toLowerCase()}`);

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    admin = await createAccount(app, url, { role: 'admin' });
    const document = (await request(url).get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    // The routes Express serves are the truth; the OpenAPI document says which take a body.
    const express: Express = app.getHttpAdapter().getInstance();
    const router = express.router as unknown as {
      stack: { route?: { path: string; methods: Record<string, boolean> } }[];
    };
    const served = router.stack.flatMap(({ route }) =>
      route && route.path.startsWith('/api/v1/')
        ? Object.keys(route.methods).map((method) => ({ method, route: route.path }))
        : [],
    );
    operations = served.map(({ method, route }) => {
      const documented = route.replace(/[:*](\w+)/g, '{$1}');
      const operation = document.paths[documented]?.[method];
      if (!operation) throw new Error(`${method.toUpperCase()} ${route} is not in the OpenAPI document`);
      return {
        method: method.toUpperCase(),
        route,
        takesBody: operation.requestBody !== undefined,
        names: [...route.matchAll(/:(\w+)/g)].map((match) => match[1]),
        wildcards: [...route.matchAll(/\*(\w+)/g)].map((match) => match[1]),
      };
    });
  });
  afterAll(() => app?.close());

  it('reads a route table in which both kinds of route exist', () => {
    const bodyless = operations.filter((operation) => !operation.takesBody).map((o) => `${o.method} ${o.route}`);
    expect(bodyless).toEqual(
      expect.arrayContaining([
        'POST /api/v1/sessions/:id/heartbeat',
        'POST /api/v1/sessions/:id/disconnect',
        'POST /api/v1/auth/logout',
        'GET /api/v1/sessions',
      ]),
    );
    const withBody = operations.filter((operation) => operation.takesBody).map((o) => `${o.method} ${o.route}`);
    expect(withBody).toEqual(
      expect.arrayContaining(['POST /api/v1/sessions', 'POST /api/v1/sessions/:id/connect', 'POST /api/v1/auth/login']),
    );
  });

  it('ignores whatever body arrives on every route that takes none', async () => {
    const differences: string[] = [];
    for (const operation of operations.filter((o) => !o.takesBody)) {
      const path = pathOf(operation);
      const expected = await raw(url, operation.method, path, { token: await freshToken() });
      for (const variant of IGNORED_BODIES) {
        const answer = await raw(url, operation.method, path, { ...variant, token: await freshToken() });
        if (answer.status !== expected.status || answer.body.error !== expected.body.error) {
          differences.push(
            `${operation.method} ${path} with ${variant.name}: ${answer.status} ${answer.body.error} ` +
              `instead of ${expected.status} ${expected.body.error}`,
          );
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it('refuses a body that is not a JSON object on every route that takes one', async () => {
    // Three routes word their own 400 (§3.1); every other says Invalid request.
    const ownLabels: Record<string, string> = {
      '/api/v1/auth/login': 'Invalid request body',
      '/api/v1/auth/refresh': 'Invalid request body',
      '/api/v1/auth/setup': 'Invalid request format',
    };
    const refusals: string[] = [];
    for (const operation of operations.filter((o) => o.takesBody)) {
      const label = ownLabels[operation.route] ?? 'Invalid request';
      for (const body of ['[]', '"text"', '42', '{"unclosed": ', '{"a":["\\u0000"]}', '{"a\\u0000":1}', TOO_DEEP]) {
        const answer = await raw(url, operation.method, pathOf(operation), {
          token: await freshToken(),
          contentType: 'application/json',
          body,
        });
        if (answer.status !== 400 || answer.body.error !== label) {
          refusals.push(`${operation.method} ${operation.route} with ${body}: ${answer.status} ${answer.body.error}`);
        }
      }
    }
    expect(refusals).toEqual([]);
  });

  it('names the body problem, and answers 413 to bodies over 2 MiB', async () => {
    const token = await freshToken();
    const groups = (body: string) =>
      raw(url, 'POST', '/api/v1/groups', { token, contentType: 'application/json', body });
    expect((await groups('[]')).body).toMatchObject({
      error: 'Invalid request',
      message: 'body: must be a JSON object',
    });
    expect((await groups('{"name":"x","tags":["ok","a\\u0000"]}')).body).toMatchObject({
      error: 'Invalid request',
      message: 'body.tags[1]: must not contain a NUL byte',
    });
    expect((await groups(TOO_DEEP)).body).toMatchObject({
      error: 'Invalid request',
      message: 'body: must not nest deeper than 100 levels',
    });
    // 100 levels are still read, and validated as usual.
    const deepEnough = await groups(`{"name":1,"extra":${'['.repeat(99)}${']'.repeat(99)}}`);
    expect(deepEnough).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^name: /) } });
    await request(url)
      .post('/api/v1/groups')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024 + 10) }))
      .expect(413, { error: 'Payload too large', message: 'Request bodies are limited to 2 MiB' });
  });

  it('refuses a name parameter that is ., .. or holds / on every route, before reading anything', async () => {
    const answers: string[] = [];
    for (const operation of operations.filter((o) => o.names.length > 0)) {
      for (const name of operation.names.filter((parameter) => !OPAQUE_KEYS.includes(parameter))) {
        for (const segment of NOT_NAMES) {
          const answer = await raw(url, operation.method, pathOf(operation, { [name]: segment }), {
            token: await freshToken(),
            ...(operation.takesBody && { contentType: 'application/json', body: '{}' }),
          });
          if (answer.status !== 400 || answer.body.error !== 'Invalid request') {
            answers.push(`${operation.method} ${operation.route} with ${name}=${segment}: ${answer.status}`);
          }
        }
      }
    }
    expect(answers).toEqual([]);
    const dots = await raw(url, 'GET', '/api/v1/cluster/resources/configmaps/..', { token: await freshToken() });
    expect(dots).toEqual({
      status: 400,
      body: {
        error: 'Invalid request',
        message: "name: must be a name, not '.', '..' or one holding '/'",
        details: [expect.anything()],
      },
    });
  });

  it('keeps favourite keys opaque: any text is stored as sent', async () => {
    const token = await freshToken();
    for (const key of ['..', 'app%2Fid']) {
      const answer = await raw(url, 'POST', `/api/v1/preferences/favorites/${key}`, { token });
      expect(answer).toEqual({
        status: 200,
        body: { message: 'Added to favorites', templateName: decodeURIComponent(key) },
      });
    }
  });

  it('still serves label and taint keys that hold a /', async () => {
    const keyRoutes = operations.filter((operation) => operation.wildcards.length > 0);
    expect(keyRoutes.map((operation) => operation.route)).toEqual(
      expect.arrayContaining(['/api/v1/admin/nodes/:name/labels/*key', '/api/v1/admin/nodes/:name/taints/*key']),
    );
    for (const operation of keyRoutes) {
      const answer = await raw(url, operation.method, pathOf(operation, { key: 'example.com%2Frole' }), {
        token: await freshToken(),
      });
      expect(answer).toMatchObject({ status: 404, body: { error: 'Node not found' } });
    }
  });

  it('refuses a NUL byte anywhere in the path or query with 400, never 500', async () => {
    const token = await freshToken();
    for (const path of [
      '/api/v1/users/%00',
      '/api/v1/sessions/a%00b',
      '/api/v1/sessions?user=%00',
      '/api/v1/catalog/templates?search=x%00',
    ]) {
      expect(await raw(url, 'GET', path, { token })).toEqual({
        status: 400,
        body: { error: 'Invalid request', message: 'url: must not contain a NUL byte', details: expect.any(Array) },
      });
    }
    expect((await raw(url, 'GET', '/api/v1/users/%00')).status).toBe(400);
  });
});
