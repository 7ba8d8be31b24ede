import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startTestApp } from '../support/test-app.js';

describe('HTTP conventions (api-contract §1)', () => {
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ CORS_ALLOWED_ORIGINS: 'http://localhost:5173' }));
  });
  afterAll(() => app?.close());

  it('answers unknown routes and methods with the 404 envelope', async () => {
    await request(url)
      .delete('/api/v1/foo?x=1')
      .expect(404, { error: 'Not found', message: 'No route for DELETE /api/v1/foo' });
    await request(url)
      .post('/api/v1/health')
      .expect(404, { error: 'Not found', message: 'No route for POST /api/v1/health' });
    await request(url).get('/nowhere').expect(404, { error: 'Not found', message: 'No route for GET /nowhere' });
  });

  it('answers an unknown route with 404 whatever body it carries (the route is checked first)', async () => {
    await request(url)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send('{bad')
      .expect(404, { error: 'Not found', message: 'No route for POST /api/v1/anything' });
  });

  it('echoes a client request id, or makes one, on every response', async () => {
    const echoed = await request(url).get('/api/v1/version').set('X-Request-ID', 'client-id-123').expect(200);
    expect(echoed.headers['x-request-id']).toBe('client-id-123');
    const made = await request(url).get('/api/v1/nope').expect(404);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const tooLong = await request(url).get('/api/v1/version').set('X-Request-ID', 'x'.repeat(129)).expect(200);
    expect(tooLong.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('marks every /api/v1 response as not cacheable', async () => {
    const ok = await request(url).get('/api/v1/version').expect(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const missing = await request(url).get('/api/v1/nope').expect(404);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const allowed = await request(url)
      .options('/api/v1/version')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'PATCH')
      .expect(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': 'http://localhost:5173',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      'access-control-allow-headers': 'Authorization,Content-Type,X-Request-ID,X-CSRF-Token',
    });
    expect(allowed.headers.vary).toContain('Origin');
    const simple = await request(url).get('/api/v1/version').set('Origin', 'http://localhost:5173').expect(200);
    expect(simple.headers['access-control-expose-headers']).toBe('X-Request-ID,Retry-After');

    const refused = await request(url)
      .options('/api/v1/version')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends browser hardening headers on every response, HSTS only over TLS', async () => {
    for (const path of ['/api/v1/version', '/api/v1/nope', '/health/live']) {
      const response = await request(url).get(path);
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      });
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
    const tls = await startTestApp({ TRUST_PROXY: 'loopback' });
    try {
      const behindTls = await request(tls.url).get('/api/v1/version').set('X-Forwarded-Proto', 'https').expect(200);
      expect(behindTls.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
    } finally {
      await tls.app.close();
    }
  });

  it('keeps Swagger UI working under its content security policy: only its own scripts, nothing inline', async () => {
    const ui = await request(url).get('/api/docs/').expect(200);
    const policy = ui.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(ui.headers['x-frame-options']).toBe('DENY');
    const scripts = [...ui.text.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(inline.trim()).toBe('');
      const src = /src=["']([^"']+)["']/.exec(attributes)![1];
      await request(url)
        .get(new URL(src, `${url}/api/docs/`).pathname)
        .expect(200);
    }
  });

  it('answers CORS_ALLOWED_ORIGINS=* to any origin, but never with credentials', async () => {
    const open = await startTestApp({ CORS_ALLOWED_ORIGINS: '*' });
    try {
      const preflight = await request(open.url)
        .options('/api/v1/version')
        .set('Origin', 'https://anywhere.example')
        .set('Access-Control-Request-Method', 'GET')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      const simple = await request(open.url).get('/api/v1/version').set('Origin', 'https://anywhere.example');
      expect(simple.headers['access-control-allow-credentials']).toBeUndefined();
    } finally {
      await open.app.close();
    }
  });

  it('publishes Swagger UI and an OpenAPI document with bearer auth', async () => {
    const ui = await request(url).get('/api/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
    const document = await request(url).get('/api/docs-json').expect(200);
    expect(document.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/api/v1/health', '/api/v1/version']));
  });

  it('lists the OpenAPI tags as a user meets them, and every operation under one of them', async () => {
    const document = await request(url).get('/api/docs-json').expect(200);
    expect((document.body.tags as Array<{ name: string }>).map((tag) => tag.name)).toEqual([
      'auth',
      'sessions',
      'templates',
      'catalog',
      'applications',
      'sharing',
      'preferences',
      'users',
      'dashboard',
      'groups',
      'config',
      'audit',
      'nodes',
      'cluster',
      'metrics',
      'health',
    ]);
    const listed = new Set((document.body.tags as Array<{ name: string }>).map((tag) => tag.name));
    const unlisted = Object.entries(document.body.paths as Record<string, Record<string, { tags?: string[] }>>)
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ route: `${method} ${path}`, tags: operation.tags })),
      )
      .filter((operation) => !operation.tags?.length || operation.tags.some((tag) => !listed.has(tag)));
    expect(unlisted).toEqual([]);
  });

  it('names in the OpenAPI document who may call every operation', async () => {
    const document = await request(url).get('/api/docs-json').expect(200);
    const operations = Object.entries(
      document.body.paths as Record<string, Record<string, Record<string, unknown>>>,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        role: operation['x-streamspace-role'],
      })),
    );
    expect(
      operations.filter((operation) => !['public', 'user', 'operator', 'admin'].includes(operation.role as string)),
    ).toEqual([]);
    expect(operations).toEqual(
      expect.arrayContaining([
        { route: 'POST /api/v1/auth/login', role: 'public' },
        { route: 'GET /api/v1/users/me', role: 'user' },
        { route: 'GET /api/v1/users', role: 'admin' },
        { route: 'GET /api/v1/groups', role: 'user' },
        { route: 'POST /api/v1/groups', role: 'admin' },
      ]),
    );
  });

  it('serves liveness at the root', async () => {
    await request(url).get('/health/live').expect(200, { status: 'alive' });
  });
});
