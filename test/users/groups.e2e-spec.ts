import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

describe('groups (§3.2 list, §3.15 administration)', () => {
  let app: NestExpressApplication;
  let url: string;
  let admin: TestAccount;
  let operator: TestAccount;
  let user: TestAccount;
  const call = (
    account: TestAccount,
    method: 'get' | 'post' | 'patch' | 'put' | 'delete',
    path: string,
    body?: object,
  ) => {
    const req = request(url)[method](path).set('Authorization', account.bearer);
    return body === undefined ? req : req.send(body);
  };
  const createGroup = async (body: object) => (await call(admin, 'post', '/api/v1/groups', body).expect(201)).body;

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    [admin, operator, user] = await Promise.all([
      createAccount(app, url, { role: 'admin' }),
      createAccount(app, url, { role: 'operator' }),
      createAccount(app, url),
    ]);
  });
  afterAll(() => app?.close());

  it('creates a group with defaults; names are unique and validated', async () => {
    const name = uniqueName('team');
    const group = await createGroup({ name, description: 'Builders' });
    expect(group).toMatchObject({
      name,
      displayName: name,
      description: 'Builders',
      type: 'team',
      parentId: null,
      memberCount: 0,
    });
    const duplicate = await call(admin, 'post', '/api/v1/groups', { name }).expect(409);
    expect(duplicate.body.error).toBe('Group already exists');
    for (const bad of [
      { name: 'Upper' },
      { name: '' },
      { name: 'x', type: 'tribe' },
      { name: 'x', parentId: 'nope' },
    ]) {
      await call(admin, 'post', '/api/v1/groups', bad).expect(400);
    }
    const orphan = await call(admin, 'post', '/api/v1/groups', {
      name: uniqueName('kid'),
      parentId: '00000000-0000-4000-8000-000000000000',
    }).expect(400);
    expect(orphan.body.error).toBe('Group not found');
  });

  it('shows operators every group and users only their own, ordered by name in code-point order', async () => {
    const tag = uniqueName('order');
    const names = [`${tag}-b`, `${tag}_z`, `${tag}-a9`, `${tag}-a`];
    const created = [];
    for (const name of names) created.push(await createGroup({ name }));
    await call(admin, 'post', `/api/v1/groups/${created[0].id}/members/${user.id}`).expect(200);

    const all = await call(operator, 'get', '/api/v1/groups').expect(200);
    const listed = all.body.groups.map((g: { name: string }) => g.name).filter((n: string) => n.startsWith(tag));
    expect(listed).toEqual([...names].sort());
    expect(all.body.total).toBe(all.body.groups.length);

    const own = await call(user, 'get', '/api/v1/groups').expect(200);
    expect(own.body.groups.map((g: { name: string }) => g.name).sort()).toEqual(['all-users', names[0]].sort());
  });

  it('filters by type and parent', async () => {
    const parent = await createGroup({ name: uniqueName('dept'), type: 'department' });
    const child = await createGroup({ name: uniqueName('proj'), type: 'project', parentId: parent.id });
    const children = await call(admin, 'get', `/api/v1/groups?parentId=${parent.id}`).expect(200);
    expect(children.body.groups.map((g: { id: string }) => g.id)).toEqual([child.id]);
    const departments = await call(admin, 'get', '/api/v1/groups?type=department').expect(200);
    expect(departments.body.groups.every((g: { type: string }) => g.type === 'department')).toBe(true);
    await call(admin, 'get', '/api/v1/groups?parentId=42').expect(400);
  });

  it('shows members, adds and removes them idempotently', async () => {
    const group = await createGroup({ name: uniqueName('crew') });
    for (let i = 0; i < 2; i++)
      await call(admin, 'post', `/api/v1/groups/${group.id}/members/${user.username}`).expect(200);
    const detail = await call(admin, 'get', `/api/v1/groups/${group.id}`).expect(200);
    expect(detail.body.memberCount).toBe(1);
    expect(detail.body.members).toEqual([
      expect.objectContaining({ userId: user.id, username: user.username, membershipRole: 'member' }),
    ]);
    const me = await call(user, 'get', '/api/v1/users/me').expect(200);
    expect(me.body.groups).toContain(group.id);

    for (let i = 0; i < 2; i++)
      await call(admin, 'delete', `/api/v1/groups/${group.id}/members/${user.id}`).expect(200);
    expect((await call(admin, 'get', `/api/v1/groups/${group.id}`).expect(200)).body.members).toEqual([]);
    await call(admin, 'post', `/api/v1/groups/${group.id}/members/nobody-at-all`).expect(404);
    await call(admin, 'get', '/api/v1/groups/not-a-uuid').expect(404, {
      error: 'Group not found',
      message: "No group 'not-a-uuid'",
    });
  });

  it('updates and deletes groups, but never all-users', async () => {
    const group = await createGroup({ name: uniqueName('temp') });
    const updated = await call(admin, 'patch', `/api/v1/groups/${group.id}`, {
      displayName: 'Temporary',
      type: 'project',
    }).expect(200);
    expect(updated.body).toMatchObject({ displayName: 'Temporary', type: 'project', name: group.name });
    await call(admin, 'patch', `/api/v1/groups/${group.id}`, { parentId: group.id }).expect(400);
    await call(admin, 'delete', `/api/v1/groups/${group.id}`).expect(200, { message: 'Group deleted' });
    await call(admin, 'get', `/api/v1/groups/${group.id}`).expect(404);

    const allUsers = (await call(admin, 'get', '/api/v1/groups?type=system').expect(200)).body.groups.find(
      (g: { name: string }) => g.name === 'all-users',
    );
    const refused = await call(admin, 'delete', `/api/v1/groups/${allUsers.id}`).expect(409);
    expect(refused.body.error).toBe('Protected group');
    await call(admin, 'delete', `/api/v1/groups/${allUsers.id}/members/${user.id}`).expect(409);
  });

  it('caps each member with the group quota: the smaller of user and group values wins', async () => {
    const member = await createAccount(app, url);
    const group = await createGroup({ name: uniqueName('capped') });
    await call(admin, 'post', `/api/v1/groups/${group.id}/members/${member.id}`).expect(200);
    await call(admin, 'put', `/api/v1/users/${member.id}/quota`, { maxSessions: 10, maxCpu: '1000m' }).expect(200);
    const groupQuota = await call(admin, 'put', `/api/v1/groups/${group.id}/quota`, {
      maxSessions: 3,
      maxCpu: '8',
      maxMemory: '2Gi',
    }).expect(200);
    expect(groupQuota.body).toEqual({
      groupId: group.id,
      maxSessions: 3,
      maxCpu: '8000m',
      maxMemory: '2048Mi',
      maxCpuPerSession: null,
      maxMemoryPerSession: null,
      maxStorage: null,
    });

    const quota = await call(member, 'get', '/api/v1/users/me/quota').expect(200);
    expect(quota.body).toMatchObject({
      maxSessions: 3,
      maxCpu: '1000m',
      maxMemory: '2048Mi',
      maxCpuPerSession: '2000m',
    });

    await call(admin, 'put', `/api/v1/groups/${group.id}/quota`, { maxSessions: null }).expect(200);
    expect((await call(member, 'get', '/api/v1/users/me/quota').expect(200)).body.maxSessions).toBe(10);
  });
});
