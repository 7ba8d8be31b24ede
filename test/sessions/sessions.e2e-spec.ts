import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { KubernetesRequests } from '../../src/kubernetes/kubernetes-requests.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestApp } from '../support/test-app.js';

describe('sessions REST (§3.3)', () => {
  let app: NestExpressApplication;
  let url: string;
  let k8s: K8sService;
  let db: DataSource;
  let alice: TestAccount;
  let bob: TestAccount;
  let operator: TestAccount;
  let admin: TestAccount;
  let template: string;

  const call = (
    account: TestAccount | undefined,
    method: 'get' | 'post' | 'patch' | 'put' | 'delete',
    path: string,
    body?: object,
  ) => {
    let req = request(url)[method](`/api/v1${path}`);
    if (account) req = req.set('Authorization', account.bearer);
    return body === undefined ? req : req.send(body);
  };
  const launch = async (account: TestAccount, body: object = {}) =>
    (await call(account, 'post', '/sessions', { template, ...body }).expect(202)).body;
  const rowOf = async (name: string) =>
    (await db.query<Record<string, unknown>[]>('SELECT * FROM sessions WHERE name = $1', [name]))[0];
  const createTemplate = (name: string, spec: object = {}) =>
    k8s.templates.create({ metadata: { name }, spec: { displayName: name, baseImage: 'nginx:1.27', ...spec } });

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    k8s = app.get(K8sService);
    db = app.get<DataSource>(getDataSourceToken());
    [alice, bob, operator, admin] = await Promise.all([
      createAccount(app, url, { username: uniqueName('Alice.S') }),
      createAccount(app, url),
      createAccount(app, url, { role: 'operator' }),
      createAccount(app, url, { role: 'admin' }),
    ]);
    for (const account of [alice, bob])
      await call(admin, 'put', `/users/${account.id}/quota`, {
        maxSessions: 100,
        maxCpu: '64',
        maxMemory: '256Gi',
      }).expect(200);
    template = uniqueName('firefox');
    await createTemplate(template, { defaultResources: { memory: '1Gi' } });
  });
  afterAll(() => app?.close());

  it('launches a session: 202 with the full shape, the Session resource and its row', async () => {
    const session = await launch(alice, {
      resources: { cpu: '500m' },
      tags: ['dev', 'dev', 'x1'],
      name: 'ignored',
      state: 'hibernated',
    });
    expect(session.name).toMatch(
      new RegExp(`^${alice.username.toLowerCase().replace('.', '-')}-${template}-[0-9a-f]{8}$`),
    );
    expect(session).toMatchObject({
      user: alice.username,
      template,
      applicationId: null,
      state: 'running',
      persistentHome: true,
      idleTimeout: '30m',
      maxSessionDuration: '8h',
      tags: ['dev', 'x1'],
      resources: { memory: '1Gi', cpu: '500m' },
      status: { phase: 'Pending', url: '', podName: '', lastActivity: null, message: '', conditions: [] },
      activeConnections: 0,
      idleDuration: 0,
      idleThreshold: 1800,
      isIdle: false,
      isActive: true,
    });
    const resource = await k8s.sessions.get(session.name);
    expect(resource.metadata.labels).toEqual({
      'streamspace.io/user': alice.username,
      'streamspace.io/template': template,
      'app.kubernetes.io/managed-by': 'streamspace-api',
    });
    expect(resource.spec).toEqual({
      user: alice.username,
      template,
      state: 'running',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } },
      persistentHome: true,
      idleTimeout: '30m',
      maxSessionDuration: '8h',
      tags: ['dev', 'x1'],
    });
    expect(await rowOf(session.name)).toMatchObject({
      username: alice.username,
      user_id: alice.id,
      state: 'running',
      cpu_millicores: 500,
      memory_mib: 1024,
    });
    const fetched = await call(alice, 'get', `/sessions/${session.name}`).expect(200);
    expect(fetched.body).toMatchObject({ name: session.name, state: 'running' });
  });

  it('resolves resources per field: body, then Template default, then platform default', async () => {
    const plain = uniqueName('plain');
    await createTemplate(plain);
    const session = (
      await call(bob, 'post', '/sessions', { template: plain, resources: { memory: '512Mi' } }).expect(202)
    ).body;
    expect(session.resources).toEqual({ memory: '512Mi', cpu: '1000m' });
  });

  it('refuses missing or invalid templates, unknown applications and bad resources with clear 400/404s', async () => {
    await call(alice, 'post', '/sessions', { template: 'no-such-template' }).expect(400, {
      error: 'Template not found',
      message: "Template 'no-such-template' does not exist",
    });
    const broken = uniqueName('broken');
    await createTemplate(broken);
    await k8s.templates.patchStatus(broken, { valid: false, message: 'baseImage must not contain whitespace' });
    await call(alice, 'post', '/sessions', { template: broken }).expect(400, {
      error: 'Template invalid',
      message: `Template '${broken}' is not valid: baseImage must not contain whitespace`,
    });
    const missingApp = '4f1c2d3e-0000-4000-8000-000000000000';
    await call(alice, 'post', '/sessions', { applicationId: missingApp }).expect(404, {
      error: 'Application not found',
      message: `No application found with ID: ${missingApp}`,
    });
    const resourceCases: [object, string][] = [
      [{ cpu: '50m' }, 'CPU request too low: minimum 100m'],
      [{ cpu: '65' }, 'CPU request too high: maximum 64000m'],
      [{ memory: '64Mi' }, 'memory request too low: minimum 128Mi'],
      [{ memory: '1Ti' }, 'memory request too high: maximum 512Gi'],
      [{ memory: '500m' }, 'invalid memory quantity: 500m'],
      [{ cpu: 'lots' }, 'invalid CPU quantity: lots'],
    ];
    for (const [resources, message] of resourceCases)
      await call(alice, 'post', '/sessions', { template, resources }).expect(400, {
        error: 'Invalid resource request',
        message,
      });
  });

  it('validates the body with 400s and writes nothing', async () => {
    const before = await k8s.sessions.list();
    const cases = [
      {},
      { template: 'Not_A_Name' },
      { template, persistentHome: 'yes' },
      { template, idleTimeout: '2d' },
      { template, idleTimeout: '30s' },
      { template, maxSessionDuration: '169h' },
      { template, tags: ['UPPER'] },
      { template, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { template, resources: 'big' },
      { template, applicationId: 'not-a-uuid' },
    ];
    for (const body of cases) {
      const response = await call(alice, 'post', '/sessions', body).expect(400);
      expect(response.body.error).toBe('Invalid request');
    }
    await call(alice, 'post', '/sessions', { template, blob: 'x'.repeat(2 * 1024 * 1024) }).expect(413);
    expect((await k8s.sessions.list()).items.length).toBe(before.items.length);
  });

  it('shows users only their own sessions; operators see all and may filter by user', async () => {
    const mine = await launch(bob);
    const listed = (await call(bob, 'get', '/sessions').expect(200)).body;
    expect(listed.sessions.every((s: { user: string }) => s.user === bob.username)).toBe(true);
    expect(listed.sessions.map((s: { name: string }) => s.name)).toContain(mine.name);
    const created = listed.sessions.map((s: { createdAt: string }) => Date.parse(s.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(listed.total).toBe(listed.sessions.length);

    await call(bob, 'get', `/sessions?user=${alice.username}`).expect(403, {
      error: 'Forbidden',
      message: 'Only operators and admins may act for another user',
    });
    await call(bob, 'get', `/sessions?user=${bob.username}`).expect(200);
    const all = (await call(operator, 'get', '/sessions').expect(200)).body.sessions.map(
      (s: { user: string }) => s.user,
    );
    expect(all).toEqual(expect.arrayContaining([alice.username, bob.username]));
    const filtered = (await call(operator, 'get', `/sessions?user=${alice.username}`).expect(200)).body.sessions;
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((s: { user: string }) => s.user === alice.username)).toBe(true);
    expect((await call(operator, 'get', '/sessions?user=ghost-user').expect(200)).body).toEqual({
      sessions: [],
      total: 0,
    });
  });

  it('hides other users’ sessions as if they did not exist, for every session route', async () => {
    const session = await launch(alice);
    const notFound = { error: 'Session not found', message: `No session named '${session.name}'` };
    await call(bob, 'get', `/sessions/${session.name}`).expect(404, notFound);
    await call(bob, 'patch', `/sessions/${session.name}`, { state: 'hibernated' }).expect(404, notFound);
    await call(bob, 'patch', `/sessions/${session.name}/tags`, { tags: [] }).expect(404, notFound);
    await call(bob, 'delete', `/sessions/${session.name}`).expect(404, notFound);
    for (const [method, path] of [
      ['get', '/sessions'],
      ['post', '/sessions'],
      ['get', '/sessions/by-tags?tags=a'],
      ['get', `/sessions/${session.name}`],
      ['patch', `/sessions/${session.name}`],
      ['delete', `/sessions/${session.name}`],
      ['patch', `/sessions/${session.name}/tags`],
    ] as const)
      await call(undefined, method, path).expect(401);
    await call(operator, 'get', `/sessions/${session.name}`).expect(200);
    await call(alice, 'get', '/sessions/..%2F..%2Fetc').expect(400);
    expect((await k8s.sessions.get(session.name)).spec.state).toBe('running');
  });

  it('lets an operator launch for another existing user, who owns it', async () => {
    const session = await launch(operator, { user: alice.username });
    expect(session.user).toBe(alice.username);
    await call(alice, 'get', `/sessions/${session.name}`).expect(200);
    await call(bob, 'post', '/sessions', { template, user: alice.username }).expect(403);
    await call(operator, 'post', '/sessions', { template, user: 'ghost-user' }).expect(400, {
      error: 'User not found',
      message: "No user named 'ghost-user'",
    });
  });

  it('changes state: hibernate closes connections, terminated cannot hibernate, wake goes through the quota', async () => {
    const session = await launch(alice);
    await db.query(`INSERT INTO connections (session_name, user_id) VALUES ($1, $2)`, [session.name, alice.id]);
    expect((await call(alice, 'get', `/sessions/${session.name}`).expect(200)).body.activeConnections).toBe(1);

    await call(alice, 'patch', `/sessions/${session.name}`, { state: 'paused' }).expect(400, {
      error: 'Invalid state',
      message: 'Invalid state. Must be: running, hibernated, or terminated',
    });
    const hibernated = (await call(alice, 'patch', `/sessions/${session.name}`, { state: 'hibernated' }).expect(202))
      .body;
    expect(hibernated).toMatchObject({ state: 'hibernated', activeConnections: 0 });
    const resource = await k8s.sessions.get(session.name);
    expect(resource.spec.state).toBe('hibernated');
    expect(resource.metadata.annotations?.['streamspace.io/state-reason']).toBe('user');
    expect(await rowOf(session.name)).toMatchObject({ state: 'hibernated', state_reason: 'user' });
    const [closed] = await db.query(`SELECT close_reason FROM connections WHERE session_name = $1`, [session.name]);
    expect(closed.close_reason).toBe('session_stopped');

    await call(alice, 'patch', `/sessions/${session.name}`, { state: 'hibernated' }).expect(202);
    await call(admin, 'patch', `/sessions/${session.name}`, { state: 'terminated' }).expect(202);
    expect((await k8s.sessions.get(session.name)).metadata.annotations?.['streamspace.io/state-reason']).toBe('admin');
    await call(alice, 'patch', `/sessions/${session.name}`, { state: 'hibernated' }).expect(409, {
      error: 'Invalid state transition',
      message: 'A terminated session can only be set to running',
    });
    const woken = (await call(alice, 'patch', `/sessions/${session.name}`, { state: 'running' }).expect(202)).body;
    expect(woken.state).toBe('running');
    expect(await rowOf(session.name)).toMatchObject({ state: 'running' });
  });

  it('deletes: 202, then 404 everywhere; the row stays as history', async () => {
    const session = await launch(alice);
    await db.query(`INSERT INTO connections (session_name, user_id) VALUES ($1, $2)`, [session.name, alice.id]);
    await call(alice, 'delete', `/sessions/${session.name}`).expect(202, {
      name: session.name,
      message: 'Session deletion requested',
    });
    await call(alice, 'get', `/sessions/${session.name}`).expect(404);
    await call(alice, 'delete', `/sessions/${session.name}`).expect(404);
    expect(
      (await call(alice, 'get', '/sessions').expect(200)).body.sessions.map((s: { name: string }) => s.name),
    ).not.toContain(session.name);
    expect((await rowOf(session.name)).deleted_at).not.toBeNull();
    const [closed] = await db.query(`SELECT close_reason FROM connections WHERE session_name = $1`, [session.name]);
    expect(closed.close_reason).toBe('session_deleted');
  });

  it('replaces tags with validation and finds sessions by any tag in every query form', async () => {
    const session = await launch(bob);
    const tagged = (
      await call(bob, 'patch', `/sessions/${session.name}/tags`, { tags: ['blue', 'green', 'blue'] }).expect(200)
    ).body;
    expect(tagged.tags).toEqual(['blue', 'green']);
    expect((await rowOf(session.name)).tags).toEqual(['blue', 'green']);
    await call(bob, 'patch', `/sessions/${session.name}/tags`, { tags: ['Bad Tag'] }).expect(400, {
      error: 'Invalid tags',
      message: "Tag 'Bad Tag' must be lower-case letters, digits and '-' (max 63)",
    });
    await call(bob, 'patch', `/sessions/${session.name}/tags`, {
      tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
    }).expect(400, {
      error: 'Invalid tags',
      message: 'At most 20 tags are allowed',
    });

    for (const query of [
      'tags=green',
      'tags[]=green&tags[]=nothing',
      'tags=nothing,green',
      'tags=nothing&tags=green',
    ]) {
      const found = (await call(bob, 'get', `/sessions/by-tags?${query}`).expect(200)).body;
      expect(found.sessions.map((s: { name: string }) => s.name)).toEqual([session.name]);
    }
    expect((await call(bob, 'get', '/sessions/by-tags?tags[]=a&tags=b,c').expect(200)).body.tags.sort()).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect((await call(alice, 'get', '/sessions/by-tags?tags=green').expect(200)).body.total).toBe(0);
    await call(bob, 'get', '/sessions/by-tags').expect(400, {
      error: 'At least one tag is required',
      message: 'Pass one or more tags, e.g. ?tags=dev',
    });
  });

  it('serves reads from the watch cache without any Kubernetes request', async () => {
    const session = await launch(alice, { tags: ['cached'] });
    await eventually(() => call(alice, 'get', `/sessions/${session.name}`).expect(200));
    const sent = jest.spyOn(KubernetesRequests.prototype, 'send');
    try {
      await call(alice, 'get', '/sessions').expect(200);
      await call(operator, 'get', '/sessions').expect(200);
      await call(alice, 'get', `/sessions/${session.name}`).expect(200);
      await call(alice, 'get', '/sessions/by-tags?tags=cached').expect(200);
      expect(sent).not.toHaveBeenCalled();
    } finally {
      sent.mockRestore();
    }
  });
});

describe('session quota (§7)', () => {
  let app: NestExpressApplication;
  let url: string;
  let admin: TestAccount;

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    admin = await createAccount(app, url, { role: 'admin' });
  });
  afterAll(() => app?.close());

  it('lets exactly 3 of 20 parallel launches through for a user with room for 3; hibernated sessions free room', async () => {
    const user = await createAccount(app, url);
    const template = uniqueName('quota-tpl');
    await app
      .get(K8sService)
      .templates.create({ metadata: { name: template }, spec: { displayName: 'Q', baseImage: 'nginx' } });
    await request(url)
      .put(`/api/v1/users/${user.id}/quota`)
      .set('Authorization', admin.bearer)
      .send({ maxSessions: 3 })
      .expect(200);

    const launches = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(url)
          .post('/api/v1/sessions')
          .set('Authorization', user.bearer)
          .send({ template, resources: { cpu: '100m', memory: '128Mi' } }),
      ),
    );
    const accepted = launches.filter((r) => r.status === 202);
    const refused = launches.filter((r) => r.status === 403);
    expect(accepted).toHaveLength(3);
    expect(refused).toHaveLength(17);
    for (const r of refused)
      expect(r.body).toEqual({
        error: 'Quota exceeded',
        message: 'session quota exceeded: 3/3 sessions active',
        code: 'QUOTA_EXCEEDED',
      });

    await request(url)
      .patch(`/api/v1/sessions/${accepted[0].body.name}`)
      .set('Authorization', user.bearer)
      .send({ state: 'hibernated' })
      .expect(202);
    await request(url)
      .post('/api/v1/sessions')
      .set('Authorization', user.bearer)
      .send({ template, resources: { cpu: '100m', memory: '128Mi' } })
      .expect(202);
    const wake = await request(url)
      .patch(`/api/v1/sessions/${accepted[0].body.name}`)
      .set('Authorization', user.bearer)
      .send({ state: 'running' })
      .expect(403);
    expect(wake.body.code).toBe('QUOTA_EXCEEDED');
  });
});
