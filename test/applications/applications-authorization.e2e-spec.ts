import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { type ApplicationsApp, catalogId, installApplication, startApplicationsApp } from './applications-fixture.js';

type Method = 'get' | 'post' | 'put' | 'delete';
interface Route {
  method: Method;
  path: (id: string, groupId: string) => string;
  body?: (groupId: string) => object;
  role: 'user' | 'operator';
}

/** Every route of §3.7 with a body that succeeds for a caller who may use it. */
const ROUTES: Route[] = [
  { method: 'get', path: () => '/applications', role: 'operator' },
  { method: 'get', path: () => '/applications/user', role: 'user' },
  { method: 'get', path: (id) => `/applications/${id}`, role: 'operator' },
  {
    method: 'put',
    path: (id) => `/applications/${id}`,
    body: () => ({ configuration: { checked: true } }),
    role: 'operator',
  },
  { method: 'put', path: (id) => `/applications/${id}/enabled`, body: () => ({ enabled: true }), role: 'operator' },
  { method: 'get', path: (id) => `/applications/${id}/config`, role: 'operator' },
  { method: 'get', path: (id) => `/applications/${id}/icon`, role: 'user' },
  { method: 'get', path: (id) => `/applications/${id}/groups`, role: 'operator' },
  {
    method: 'post',
    path: (id) => `/applications/${id}/groups`,
    body: (groupId) => ({ groupId, accessLevel: 'view' }),
    role: 'operator',
  },
  {
    method: 'put',
    path: (id, groupId) => `/applications/${id}/groups/${groupId}`,
    body: () => ({ accessLevel: 'launch' }),
    role: 'operator',
  },
  { method: 'delete', path: (id, groupId) => `/applications/${id}/groups/${groupId}`, role: 'operator' },
  { method: 'delete', path: (id) => `/applications/${id}`, role: 'operator' },
];

describe('who may call the application routes (§2.1, §3.7)', () => {
  let env: ApplicationsApp;
  let accounts: Record<'user' | 'operator' | 'admin', TestAccount>;
  let groupId: string;
  let firefox: number;

  const call = (route: Route, account: TestAccount | undefined, id: string) => {
    const pending = request(env.url)
      [route.method](`/api/v1${route.path(id, groupId)}`)
      .redirects(0);
    if (account) pending.set('Authorization', account.bearer);
    return route.body ? pending.send(route.body(groupId)) : pending;
  };

  beforeAll(async () => {
    env = await startApplicationsApp();
    const [user, operator, admin] = await Promise.all(
      (['user', 'operator', 'admin'] as const).map((role) => createAccount(env.app, env.url, { role })),
    );
    accounts = { user, operator, admin };
    [{ id: groupId }] = await env.db.query(`SELECT id FROM groups WHERE name = 'all-users'`);
    firefox = await catalogId(env, 'firefox');
  });
  afterAll(() => env?.close());

  it('answers 401 without a token on every route, POST /applications included', async () => {
    const application = await installApplication(env, accounts.operator, { catalogTemplateId: firefox });
    for (const route of ROUTES) await call(route, undefined, application.id).expect(401);
    await request(env.url).post('/api/v1/applications').send({ catalogTemplateId: firefox }).expect(401);
  });

  it('refuses users on operator routes with 403 before looking at the application, and lets them use the rest', async () => {
    const application = await installApplication(env, accounts.operator, { catalogTemplateId: firefox });
    for (const route of ROUTES.filter((r) => r.role === 'operator')) {
      for (const id of [application.id, '00000000-0000-0000-0000-000000000000'])
        await call(route, accounts.user, id).expect(403, {
          error: 'Insufficient permissions',
          message: 'This action requires the operator or admin role',
        });
    }
    await request(env.url)
      .post('/api/v1/applications')
      .set('Authorization', accounts.user.bearer)
      .send({ catalogTemplateId: firefox })
      .expect(403);
    for (const route of ROUTES.filter((r) => r.role === 'user'))
      expect((await call(route, accounts.user, application.id)).status).toBeLessThan(400);
  });

  it.each(['operator', 'admin'] as const)('lets an %s use every route', async (role) => {
    const application = await installApplication(env, accounts[role], { catalogTemplateId: firefox });
    for (const route of ROUTES) {
      const response = await call(route, accounts[role], application.id);
      expect({ route: `${route.method} ${route.path(':id', ':groupId')}`, status: response.status }).toEqual({
        route: `${route.method} ${route.path(':id', ':groupId')}`,
        status: route.path('x', 'y').endsWith('/icon') ? 302 : route.method === 'post' ? 201 : 200,
      });
    }
  });
});
