import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startTestApp } from '../support/test-app.js';
import { createFakeNode, type FakeNode, RESERVATION_TAINT, readNode, reservedToleration } from './fake-node.js';

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('node administration /api/v1/admin/nodes (§3.8)', () => {
  let app: NestExpressApplication;
  let url: string;
  let admin: TestAccount;
  let operator: TestAccount;
  let user: TestAccount;
  let node: FakeNode;
  const namespace = uniqueName('nodes');
  const as = (account: TestAccount) => ({
    get: (path: string) => request(url).get(`/api/v1/admin/nodes${path}`).set('Authorization', account.bearer),
    put: (path: string, body?: object) =>
      request(url).put(`/api/v1/admin/nodes${path}`).set('Authorization', account.bearer).send(body),
    post: (path: string, body?: object) =>
      request(url)
        .post(`/api/v1/admin/nodes${path}`)
        .set('Authorization', account.bearer)
        .set('Content-Type', 'application/json')
        .send(body),
    delete: (path: string) => request(url).delete(`/api/v1/admin/nodes${path}`).set('Authorization', account.bearer),
  });

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    [admin, operator, user, node] = await Promise.all([
      createAccount(app, url, { role: 'admin' }),
      createAccount(app, url, { role: 'operator' }),
      createAccount(app, url),
      createFakeNode('nodes'),
      kubectl(['create', 'namespace', namespace]),
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([node?.delete(), kubectl(['delete', 'namespace', namespace, '--wait=false'])]);
  });

  it('lists every live node as NodeInfo, by name, and totals them', async () => {
    const live = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])).items as { metadata: { name: string } }[];
    const response = await as(admin).get('').expect(200);
    expect(Array.isArray(response.body)).toBe(true);
    const names = response.body.map((info: { name: string }) => info.name);
    expect(names).toEqual(live.map((n) => n.metadata.name).sort((a, b) => a.localeCompare(b)));
    const harnessNode = response.body.find((info: { name: string }) => info.name === 'kwok-node-0');
    expect(harnessNode).toMatchObject({
      labels: expect.objectContaining({ 'kubernetes.io/hostname': 'kwok-node-0' }),
      status: 'Ready',
      unschedulable: false,
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      usage: {
        cpu: expect.stringMatching(/^\d+m$/),
        memory: expect.stringMatching(/^\d+Mi$/),
        cpuPercent: expect.any(Number),
        memoryPercent: expect.any(Number),
      },
      info: {
        osImage: expect.any(String),
        kernelVersion: expect.any(String),
        kubeletVersion: expect.any(String),
        containerRuntime: expect.any(String),
      },
      conditions: expect.arrayContaining([
        expect.objectContaining({
          type: 'Ready',
          status: 'True',
          lastTransitionTime: expect.stringMatching(TIMESTAMP),
        }),
      ]),
      pods: expect.any(Number),
      age: expect.stringMatching(/^\d+(s|m|h\d+m|d\d+h)$/),
      createdAt: expect.stringMatching(TIMESTAMP),
    });

    const stats = await as(admin).get('/stats').expect(200);
    expect(stats.body).toMatchObject({
      totalNodes: live.length,
      readyNodes: live.length,
      notReadyNodes: 0,
      totalCapacity: {
        cpu: expect.stringMatching(/^\d+\.\d$/),
        memory: expect.stringMatching(/^\d+\.\dGi$/),
        pods: 110 * live.length,
      },
      totalUsage: {
        cpu: expect.stringMatching(/^\d+\.\d$/),
        cpuPercent: expect.any(Number),
        memoryPercent: expect.any(Number),
      },
    });
  });

  it('counts the requests of the pods running on a node', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'worker', namespace },
      spec: {
        nodeName: node.name,
        tolerations: [reservedToleration],
        containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '500m', memory: '256Mi' } } }],
      },
    };
    await kubectl(['create', '-f', '-'], JSON.stringify(pod));
    await eventually(async () => {
      const info = (await as(admin).get(`/${node.name}`).expect(200)).body;
      expect(info).toMatchObject({
        name: node.name,
        pods: 1,
        usage: { cpu: '500m', memory: '256Mi', cpuPercent: 6.3, memoryPercent: 0.8 },
      });
    });
    await kubectl(['delete', 'pod', 'worker', '-n', namespace, '--grace-period=0', '--force']);
    await eventually(async () =>
      expect((await as(admin).get(`/${node.name}`).expect(200)).body).toMatchObject({ pods: 0, usage: { cpu: '0m' } }),
    );
  });

  it('answers 404 for an unknown node on reads and writes', async () => {
    const missing = { error: 'Node not found', message: "No node named 'no-such-node'" };
    await as(admin).get('/no-such-node').expect(404, missing);
    await as(admin).put('/no-such-node/labels', { key: 'a', value: 'b' }).expect(404, missing);
    await as(admin).post('/no-such-node/taints', { key: 'a', effect: 'NoSchedule' }).expect(404, missing);
    await as(admin).post('/no-such-node/cordon').expect(404, missing);
    await as(admin).post('/no-such-node/drain').expect(404, missing);
  });

  it('adds and removes labels whose keys contain a slash, unencoded or as %2F', async () => {
    await as(admin)
      .put(`/${node.name}/labels`, { key: 'example.com/team', value: 'blue' })
      .expect(200, { message: 'Label added successfully' });
    await as(admin).put(`/${node.name}/labels`, { key: 'tier', value: '' }).expect(200);
    // Read your writes: the next read shows it.
    expect((await as(admin).get(`/${node.name}`).expect(200)).body.labels).toMatchObject({
      'example.com/team': 'blue',
      tier: '',
    });

    await as(admin)
      .delete(`/${node.name}/labels/example.com/team`)
      .expect(200, { message: 'Label removed successfully' });
    expect((await readNode(node.name)).metadata.labels).not.toHaveProperty('example.com/team');

    await as(admin).put(`/${node.name}/labels`, { key: 'example.com/team', value: 'green' }).expect(200);
    await as(admin).delete(`/${node.name}/labels/example.com%2Fteam`).expect(200);
    await as(admin).delete(`/${node.name}/labels/tier`).expect(200);
    const labels = (await readNode(node.name)).metadata.labels;
    expect(labels).not.toHaveProperty('example.com/team');
    expect(labels).not.toHaveProperty('tier');
    expect(labels).toMatchObject({ 'kubernetes.io/hostname': node.name });

    await as(admin)
      .delete(`/${node.name}/labels/example.com/team`)
      .expect(404, { error: 'Label not found', message: `Node '${node.name}' has no label 'example.com/team'` });
  });

  it('refuses invalid labels with 400 Invalid label', async () => {
    for (const body of [
      { key: 'a' },
      { key: 7, value: 'x' },
      { key: 'bad key', value: 'x' },
      { key: 'a', value: 'x'.repeat(64) },
      { key: 'UPPER.case/x', value: 'y' },
    ]) {
      const response = await as(admin).put(`/${node.name}/labels`, body).expect(400);
      expect(response.body).toEqual({ error: 'Invalid label', message: expect.any(String) });
    }
  });

  it('keeps every taint when several are added at once, and stamps NoExecute taints', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `example.com/parallel-${i}`);
    const answers = await Promise.all(
      keys.map((key) => as(admin).post(`/${node.name}/taints`, { key, value: 'v', effect: 'NoSchedule' })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(keys.map(() => 200));
    expect(answers[0].body).toEqual({ message: 'Taint added successfully' });
    const before = Date.now();
    await as(admin).post(`/${node.name}/taints`, { key: 'example.com/evict', effect: 'NoExecute' }).expect(200);

    const taints = (await readNode(node.name)).spec.taints ?? [];
    expect(taints.map((t) => t.key).sort()).toEqual([RESERVATION_TAINT, 'example.com/evict', ...keys].sort());
    const noExecute = taints.find((t) => t.key === 'example.com/evict')!;
    expect(new Date(noExecute.timeAdded!).getTime()).toBeGreaterThanOrEqual(before - 2000);
    expect(taints.find((t) => t.key === keys[0])).not.toHaveProperty('timeAdded');
    const info = (await as(admin).get(`/${node.name}`).expect(200)).body;
    expect(info.taints).toEqual(
      expect.arrayContaining([
        { key: 'example.com/evict', value: '', effect: 'NoExecute', timeAdded: expect.stringMatching(TIMESTAMP) },
      ]),
    );

    await as(admin)
      .post(`/${node.name}/taints`, { key: keys[0], value: 'other', effect: 'NoSchedule' })
      .expect(409, {
        error: 'Taint already exists',
        message: `Node '${node.name}' already has taint ${keys[0]}:NoSchedule`,
      });
    // Same key, another effect is another taint.
    await as(admin).post(`/${node.name}/taints`, { key: keys[0], effect: 'PreferNoSchedule' }).expect(200);

    await as(admin)
      .delete(`/${node.name}/taints/${keys[0]}?effect=PreferNoSchedule`)
      .expect(200, { message: 'Taint removed successfully' });
    expect((await readNode(node.name)).spec.taints?.filter((t) => t.key === keys[0])).toEqual([
      { key: keys[0], value: 'v', effect: 'NoSchedule' },
    ]);
    for (const key of [...keys, 'example.com/evict'])
      await as(admin)
        .delete(`/${node.name}/taints/${encodeURIComponent(key)}`)
        .expect(200);
    expect((await readNode(node.name)).spec.taints?.map((t) => t.key)).toEqual([RESERVATION_TAINT]);
    await as(admin)
      .delete(`/${node.name}/taints/example.com/evict`)
      .expect(404, {
        error: 'Taint not found',
        message: `Node '${node.name}' has no taint with key 'example.com/evict'`,
      });
  });

  it('refuses invalid taints with 400 Invalid taint', async () => {
    for (const body of [
      { key: 'a' },
      { effect: 'NoSchedule' },
      { key: 'a', effect: 'Never' },
      { key: 'a', value: 'bad value', effect: 'NoSchedule' },
    ]) {
      const response = await as(admin).post(`/${node.name}/taints`, body).expect(400);
      expect(response.body).toEqual({ error: 'Invalid taint', message: expect.any(String) });
    }
    expect((await readNode(node.name)).spec.taints?.map((t) => t.key)).toEqual([RESERVATION_TAINT]);
  });

  it('cordons (the controller then adds the unschedulable taint) and uncordons', async () => {
    try {
      await as(admin).post(`/${node.name}/cordon`).expect(200, { message: 'Node cordoned successfully' });
      await as(admin).post(`/${node.name}/cordon`).expect(200);
      const info = (await as(admin).get(`/${node.name}`).expect(200)).body;
      expect(info.unschedulable).toBe(true);
      expect(info.taints).toContainEqual(
        expect.objectContaining({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }),
      );
      await eventually(
        async () =>
          expect((await readNode(node.name)).spec.taints?.map((t) => t.key)).toContain(
            'node.kubernetes.io/unschedulable',
          ),
        15_000,
        200,
      );

      await as(admin).post(`/${node.name}/uncordon`).expect(200, { message: 'Node uncordoned successfully' });
      await as(admin).post(`/${node.name}/uncordon`).expect(200);
      const after = await readNode(node.name);
      expect(after.spec.unschedulable).toBeFalsy();
      expect(after.spec.taints?.map((t) => t.key)).toEqual([RESERVATION_TAINT]);
      const uncordoned = (await as(admin).get(`/${node.name}`).expect(200)).body;
      expect(uncordoned.unschedulable).toBe(false);
      expect(uncordoned.taints.map((t: { key: string }) => t.key)).toEqual([RESERVATION_TAINT]);

      // Removing the unschedulable taint by key uncordons too.
      await as(admin).post(`/${node.name}/cordon`).expect(200);
      await as(admin).delete(`/${node.name}/taints/node.kubernetes.io/unschedulable`).expect(200);
      expect((await readNode(node.name)).spec.unschedulable).toBeFalsy();
    } finally {
      await kubectl(['uncordon', node.name]);
    }
  });

  it('lets only admins in: anonymous 401, user and operator 403', async () => {
    const routes: [string, string, object?][] = [
      ['get', ''],
      ['get', '/stats'],
      ['get', `/${node.name}`],
      ['put', `/${node.name}/labels`, { key: 'a', value: 'b' }],
      ['delete', `/${node.name}/labels/a`],
      ['post', `/${node.name}/taints`, { key: 'a', effect: 'NoSchedule' }],
      ['delete', `/${node.name}/taints/a`],
      ['post', `/${node.name}/cordon`],
      ['post', `/${node.name}/uncordon`],
      ['post', `/${node.name}/drain`],
    ];
    const forbidden = { error: 'Insufficient permissions', message: 'This action requires the admin role' };
    for (const [method, path, body] of routes) {
      const target = `/api/v1/admin/nodes${path}`;
      const send = (req: request.Test) => (body ? req.send(body) : req);
      await send((request(url) as unknown as Record<string, (p: string) => request.Test>)[method](target)).expect(401);
      for (const account of [user, operator]) {
        await send(
          (request(url) as unknown as Record<string, (p: string) => request.Test>)
            [method](target)
            .set('Authorization', account.bearer),
        ).expect(403, forbidden);
      }
    }
    const current = await readNode(node.name);
    expect(current.spec.unschedulable).toBeFalsy();
    expect(current.metadata.labels).not.toHaveProperty('a');
  });
});
