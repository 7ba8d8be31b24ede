import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { KubernetesNotFoundError, unlessNotFound } from '../../src/kubernetes/kubernetes-errors.js';
import { homeVolumeName } from '../../src/kubernetes/names.js';
import { UsersService } from '../../src/users/users.service.js';
import { createAccount, login, type TestAccount, uniqueName } from '../support/accounts.js';
import { createScratchDatabase } from '../support/database.js';
import { sessionManifest } from '../support/kubernetes.js';
import { startTestApp } from '../support/test-app.js';

/** Every admin-only route of §3.15, with a path that would otherwise resolve. */
const ADMIN_ROUTES: [method: 'get' | 'post' | 'patch' | 'delete' | 'put', path: string][] = [
  ['get', '/api/v1/users'],
  ['post', '/api/v1/users'],
  ['get', '/api/v1/users/admin'],
  ['patch', '/api/v1/users/admin'],
  ['delete', '/api/v1/users/admin'],
  ['put', '/api/v1/users/admin/quota'],
  ['post', '/api/v1/groups'],
  ['get', '/api/v1/groups/00000000-0000-4000-8000-000000000000'],
  ['patch', '/api/v1/groups/00000000-0000-4000-8000-000000000000'],
  ['delete', '/api/v1/groups/00000000-0000-4000-8000-000000000000'],
  ['post', '/api/v1/groups/00000000-0000-4000-8000-000000000000/members/admin'],
  ['delete', '/api/v1/groups/00000000-0000-4000-8000-000000000000/members/admin'],
  ['put', '/api/v1/groups/00000000-0000-4000-8000-000000000000/quota'],
];

describe('user administration (§3.15)', () => {
  let app: NestExpressApplication;
  let url: string;
  let admin: TestAccount;
  let operator: TestAccount;
  let user: TestAccount;
  const as = (account: TestAccount) => ({
    get: (path: string) => request(url).get(path).set('Authorization', account.bearer),
    post: (path: string, body: object = {}) => request(url).post(path).set('Authorization', account.bearer).send(body),
    patch: (path: string, body: object) => request(url).patch(path).set('Authorization', account.bearer).send(body),
    put: (path: string, body: object) => request(url).put(path).set('Authorization', account.bearer).send(body),
    delete: (path: string) => request(url).delete(path).set('Authorization', account.bearer),
  });

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    [admin, operator, user] = await Promise.all([
      createAccount(app, url, { role: 'admin' }),
      createAccount(app, url, { role: 'operator' }),
      createAccount(app, url, { role: 'user' }),
    ]);
  });
  afterAll(() => app?.close());

  it('refuses every admin route to anonymous callers (401), users and operators (403)', async () => {
    for (const [method, path] of ADMIN_ROUTES) {
      await request(url)[method](path).expect(401);
      for (const caller of [user, operator]) {
        const response = await request(url)[method](path).set('Authorization', caller.bearer).send({});
        expect({ method, path, status: response.status, body: response.body }).toEqual({
          method,
          path,
          status: 403,
          body: { error: 'Insufficient permissions', message: 'This action requires the admin role' },
        });
      }
    }
  });

  it("does not let a user read another user's record", async () => {
    await as(user).get(`/api/v1/users/${admin.id}`).expect(403);
    const own = await as(user).get('/api/v1/users/me').expect(200);
    expect(own.body.id).toBe(user.id);
  });

  it('creates an account that joins all-users, with defaults, and never shows a password', async () => {
    const username = uniqueName('New.User');
    const created = await as(admin)
      .post('/api/v1/users', {
        username,
        email: `${username}@Example.com`,
        password: 'a-good-long-password',
        extra: 'ignored',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      username,
      role: 'user',
      active: true,
      provider: 'local',
      fullName: '',
      lastLogin: null,
    });
    expect(JSON.stringify(created.body)).not.toMatch(/password|\$2b\$/i);
    const groups = await as(admin).get('/api/v1/groups').expect(200);
    const allUsers = groups.body.groups.find((g: { name: string }) => g.name === 'all-users');
    expect(created.body.groups).toEqual([allUsers.id]);
    await login(url, username, 'a-good-long-password');

    await as(admin)
      .post('/api/v1/users', {
        username: username.toUpperCase(),
        email: 'other@example.com',
        password: 'a-good-long-password',
      })
      .expect(409, { error: 'User already exists', message: 'That username is taken (usernames ignore case)' });
    const sameEmail = await as(admin)
      .post('/api/v1/users', {
        username: uniqueName('x'),
        email: `${username}@example.COM`,
        password: 'a-good-long-password',
      })
      .expect(409);
    expect(sameEmail.body.error).toBe('Email already in use');
  });

  it('validates new accounts with clear 400s', async () => {
    const base = { username: uniqueName('v'), email: 'v@example.com', password: 'a-good-long-password' };
    const cases: [object, string][] = [
      [{ ...base, username: '-bad-' }, 'username'],
      [{ ...base, username: 'x'.repeat(64) }, 'username'],
      [{ ...base, email: 'nope' }, 'email'],
      [{ ...base, role: 'root' }, 'role'],
      [{ ...base, password: 'changeme1234' }, 'password'],
      [{ ...base, password: 'short' }, 'password'],
      [{ ...base, active: 'yes' }, 'active'],
    ];
    for (const [body, field] of cases) {
      const response = await as(admin).post('/api/v1/users', body).expect(400);
      expect(response.body.error).toBe('Invalid request');
      expect(response.body.message).toMatch(new RegExp(`^${field}`));
    }
  });

  it('lists accounts with search, filters and paging, ordered by username', async () => {
    const tag = uniqueName('zz-list');
    for (const n of [3, 1, 2])
      await as(admin)
        .post('/api/v1/users', {
          username: `${tag}-${n}`,
          email: `${tag}-${n}@example.com`,
          fullName: `Lister ${n}`,
          password: 'a-good-long-password',
        })
        .expect(201);
    const page = await as(admin).get(`/api/v1/users?search=${tag.toUpperCase()}&limit=2&offset=0`).expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.users.map((u: { username: string }) => u.username)).toEqual([`${tag}-1`, `${tag}-2`]);
    const rest = await as(admin).get(`/api/v1/users?search=${tag}&limit=2&offset=2`).expect(200);
    expect(rest.body.users.map((u: { username: string }) => u.username)).toEqual([`${tag}-3`]);
    const operators = await as(admin).get('/api/v1/users?role=operator&active=TRUE').expect(200);
    expect(
      operators.body.users.every((u: { role: string; active: boolean }) => u.role === 'operator' && u.active),
    ).toBe(true);
    expect(operators.body.users.map((u: { id: string }) => u.id)).toContain(operator.id);
    await as(admin).get('/api/v1/users?active=yes').expect(400);
    await as(admin).get('/api/v1/users?limit=abc').expect(400);
    await as(admin).get('/api/v1/users?limit=0').expect(400);
  });

  it('reads one account by id or username, with groups and quota; unknown ones are 404', async () => {
    const byId = await as(admin).get(`/api/v1/users/${user.id}`).expect(200);
    expect(byId.body).toMatchObject({ id: user.id, username: user.username, groups: [expect.any(String)] });
    expect(byId.body.quota).toMatchObject({
      userId: user.id,
      maxSessions: 5,
      maxMemory: '8192Mi',
      maxStorage: '100Gi',
    });
    const byName = await as(admin).get(`/api/v1/users/${user.username.toUpperCase()}`).expect(200);
    expect(byName.body.id).toBe(user.id);
    await as(admin).get('/api/v1/users/00000000-0000-4000-8000-000000000000').expect(404);
    const missing = await as(admin).get('/api/v1/users/nobody-at-all').expect(404);
    expect(missing.body.error).toBe('User not found');
  });

  it('updates fields and the password; email stays unique', async () => {
    const account = await createAccount(app, url);
    const updated = await as(admin)
      .patch(`/api/v1/users/${account.id}`, { fullName: 'Renamed Person', password: 'a-brand-new-password' })
      .expect(200);
    expect(updated.body.fullName).toBe('Renamed Person');
    await login(url, account.username, 'a-brand-new-password');
    await request(url)
      .post('/api/v1/auth/login')
      .send({ username: account.username, password: account.password })
      .expect(401);
    const taken = await as(admin)
      .patch(`/api/v1/users/${account.id}`, { email: `${user.username}@EXAMPLE.test` })
      .expect(409);
    expect(taken.body.error).toBe('Email already in use');
    await as(admin).patch(`/api/v1/users/${account.id}`, { password: '123456789012' }).expect(400);
  });

  it('deletes an account together with its Session resources and its home volume', async () => {
    const account = await createAccount(app, url);
    const k8s = app.get(K8sService);
    const names = [uniqueName('del-a'), uniqueName('del-b')];
    for (const name of names) await k8s.sessions.create(sessionManifest(name, account.username));
    const bystander = uniqueName('keep');
    await k8s.sessions.create(sessionManifest(bystander, user.username));
    const homeVolume = (username: string) => ({
      metadata: { name: homeVolumeName(username), labels: { 'app.kubernetes.io/managed-by': 'streamspace-api' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await k8s.pvcs.create(k8s.namespace, homeVolume(account.username));
    await k8s.pvcs.create(k8s.namespace, homeVolume(user.username));

    await as(admin)
      .delete(`/api/v1/users/${account.id}`)
      .expect(200, { message: 'User deleted', sessionsDeleted: 2, homeVolumeDeleted: true });
    for (const name of names) await expect(k8s.sessions.get(name)).rejects.toBeInstanceOf(KubernetesNotFoundError);
    // Gone, or going once nothing mounts it; another user's volume stays.
    const deleted = await unlessNotFound(k8s.pvcs.get(k8s.namespace, homeVolumeName(account.username)));
    expect(deleted === undefined || deleted.metadata?.deletionTimestamp !== undefined).toBe(true);
    expect(
      (await k8s.pvcs.get(k8s.namespace, homeVolumeName(user.username))).metadata?.deletionTimestamp,
    ).toBeUndefined();
    await k8s.pvcs.delete(k8s.namespace, homeVolumeName(user.username));
    await k8s.sessions.get(bystander);
    await as(admin).get(`/api/v1/users/${account.id}`).expect(404);
    await request(url).get('/api/v1/users/me').set('Authorization', account.bearer).expect(401);
    await k8s.sessions.delete(bystander);
  });

  it('lets only operators and admins act for another existing user (§2.3)', async () => {
    const users = app.get(UsersService);
    const principal = (account: TestAccount, role: 'user' | 'operator' | 'admin') =>
      ({ id: account.id, username: account.username, role, tokenId: 'x', tokenExpiresAt: new Date() }) as const;
    const asUser = principal(user, 'user');
    const asOperator = principal(operator, 'operator');

    expect(await users.actingFor(asUser, undefined)).toEqual({ id: user.id, username: user.username, role: 'user' });
    expect(await users.actingFor(asUser, user.username)).toEqual({
      id: user.id,
      username: user.username,
      role: 'user',
    });
    await expect(users.actingFor(asUser, admin.username)).rejects.toMatchObject({
      status: 403,
      error: 'Forbidden',
      message: 'Only operators and admins may act for another user',
    });
    // Exact spelling only: another case names someone else.
    await expect(users.actingFor(asUser, user.username.toUpperCase())).rejects.toMatchObject({ status: 403 });
    expect(await users.actingFor(asOperator, user.username)).toEqual({
      id: user.id,
      username: user.username,
      role: 'user',
    });
    await expect(users.actingFor(asOperator, 'ghost-user')).rejects.toMatchObject({
      status: 400,
      error: 'User not found',
      message: "No user named 'ghost-user'",
    });

    expect(users.listFilterFor(asUser, undefined)).toBe(user.username);
    expect(() => users.listFilterFor(asUser, 'ghost-user')).toThrow(
      'Only operators and admins may act for another user',
    );
    expect(users.listFilterFor(asOperator, undefined)).toBeUndefined();
    expect(users.listFilterFor(asOperator, 'ghost-user')).toBe('ghost-user');
  });

  it('sets a user quota row field by field; null brings the default back', async () => {
    const account = await createAccount(app, url);
    const set = await as(admin)
      .put(`/api/v1/users/${account.username}/quota`, { maxSessions: 12, maxCpu: '6', maxStorage: '0.5Gi' })
      .expect(200);
    expect(set.body).toMatchObject({
      userId: account.id,
      maxSessions: 12,
      maxCpu: '6000m',
      maxStorage: '0.5Gi',
      maxMemory: '8192Mi',
      usedSessions: 0,
    });
    const partly = await as(admin).put(`/api/v1/users/${account.id}/quota`, { maxCpu: null }).expect(200);
    expect(partly.body).toMatchObject({ maxSessions: 12, maxCpu: '4000m' });
    for (const bad of [
      { maxSessions: -1 },
      { maxSessions: 1.5 },
      { maxCpu: 'lots' },
      { maxMemory: '500m' },
      { maxMemory: '9999999Ti' },
    ]) {
      const response = await as(admin).put(`/api/v1/users/${account.id}/quota`, bad).expect(400);
      expect(response.body.error).toBe('Invalid request');
    }
    await as(admin).put('/api/v1/users/nobody-at-all/quota', { maxSessions: 1 }).expect(404);
  });
});

describe('the last active admin (§3.15)', () => {
  let app: NestExpressApplication;
  let url: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createScratchDatabase();
    drop = db.drop;
    ({ app, url } = await startTestApp({ DATABASE_URL: db.url, ADMIN_PASSWORD: 'the-only-admin-password' }));
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('cannot be demoted, disabled or deleted; once a second admin exists it can', async () => {
    const bearer = `Bearer ${await login(url, 'admin', 'the-only-admin-password')}`;
    const lastAdmin = { error: 'Last admin', message: 'The last active admin cannot be deleted, disabled or demoted' };
    await request(url)
      .patch('/api/v1/users/admin')
      .set('Authorization', bearer)
      .send({ role: 'operator' })
      .expect(409, lastAdmin);
    await request(url)
      .patch('/api/v1/users/admin')
      .set('Authorization', bearer)
      .send({ active: false })
      .expect(409, lastAdmin);
    await request(url).delete('/api/v1/users/admin').set('Authorization', bearer).expect(409, lastAdmin);
    await request(url)
      .patch('/api/v1/users/admin')
      .set('Authorization', bearer)
      .send({ fullName: 'Still Admin' })
      .expect(200);

    const second = await createAccount(app, url, { role: 'admin' });
    await request(url).patch('/api/v1/users/admin').set('Authorization', bearer).send({ role: 'operator' }).expect(200);
    await request(url).delete(`/api/v1/users/${second.id}`).set('Authorization', second.bearer).expect(409, lastAdmin);
  });

  it('lets only one of two admins demote the other when they race', async () => {
    const [a, b] = await Promise.all([
      createAccount(app, url, { role: 'admin' }),
      createAccount(app, url, { role: 'admin' }),
    ]);
    // Leave exactly a and b as active admins, plus the earlier second admin: disable it first.
    const all = await request(url)
      .get('/api/v1/users?role=admin&active=true')
      .set('Authorization', a.bearer)
      .expect(200);
    for (const other of all.body.users.filter((u: { id: string }) => u.id !== a.id && u.id !== b.id))
      await request(url)
        .patch(`/api/v1/users/${other.id}`)
        .set('Authorization', a.bearer)
        .send({ active: false })
        .expect(200);
    const results = await Promise.all([
      request(url).patch(`/api/v1/users/${b.id}`).set('Authorization', a.bearer).send({ role: 'user' }),
      request(url).patch(`/api/v1/users/${a.id}`).set('Authorization', b.bearer).send({ role: 'user' }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    // The loser either hits the last-admin rule or has already lost its own admin role.
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const admins = await request(url)
      .get('/api/v1/users?role=admin&active=true')
      .set('Authorization', results[0].status === 200 ? a.bearer : b.bearer)
      .expect(200);
    expect(admins.body.total).toBe(1);
  });
});
