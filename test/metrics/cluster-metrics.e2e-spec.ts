import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { NodeCache } from '../../src/kubernetes/node.cache.js';
import { PodCache } from '../../src/kubernetes/pod.cache.js';
import { ClusterEndpoint } from '../../src/websocket/cluster.endpoint.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { testNamespace } from '../support/namespace.js';
import { startTestApp } from '../support/test-app.js';
import { openSocket, type RecordingSocket, wsUrl } from '../support/websocket.js';

describe('cluster figures: GET /api/v1/metrics and /ws/cluster (§3.12, §4.9, §8.4)', () => {
  let app: NestExpressApplication;
  let url: string;
  let operator: TestAccount;
  let user: TestAccount;
  const sockets: RecordingSocket[] = [];

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    [operator, user] = await Promise.all([createAccount(app, url, { role: 'operator' }), createAccount(app, url)]);
    await Promise.all([app.get(NodeCache).ready, app.get(PodCache).ready]);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  it('reports every field from live nodes and pods, with percentages to one decimal', async () => {
    const { cluster } = (await request(url).get('/api/v1/metrics').set('Authorization', operator.bearer).expect(200))
      .body;
    const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])).items as {
      status: { allocatable: Record<string, string> };
    }[];
    expect(cluster.nodes.total).toBe(nodes.length);
    expect(cluster.nodes.ready + cluster.nodes.notReady).toBe(nodes.length);
    expect(cluster.resources.cpu.total).toMatch(/^\d+m$/);
    expect(cluster.resources.memory.total).toMatch(/^\d+$/);
    expect(cluster.resources.pods.total).toBe(
      nodes.reduce((sum, node) => sum + Number(node.status.allocatable.pods ?? 0), 0),
    );
    for (const resource of ['cpu', 'memory', 'pods'])
      expect(
        Number.isFinite(cluster.resources[resource].percent) &&
          Math.round(cluster.resources[resource].percent * 10) === cluster.resources[resource].percent * 10,
      ).toBe(true);
    expect(cluster.users.total).toBeGreaterThanOrEqual(2);
    expect(cluster.users.active).toBeGreaterThanOrEqual(2);
    expect(Object.keys(cluster.sessions).sort()).toEqual(['hibernated', 'running', 'terminated', 'total']);
    await request(url).get('/api/v1/metrics').set('Authorization', user.bearer).expect(403);
  });

  it('counts the requests of pods scheduled on nodes', async () => {
    const before = (await request(url).get('/api/v1/metrics').set('Authorization', operator.bearer).expect(200)).body
      .cluster;
    const name = `metrics-probe-${Date.now()}`;
    await kubectl(
      ['apply', '-n', testNamespace(), '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '250m', memory: '64Mi' } } }],
        },
      }),
    );
    try {
      await eventually(async () => {
        const after = (await request(url).get('/api/v1/metrics').set('Authorization', operator.bearer).expect(200)).body
          .cluster;
        expect(after.resources.pods.used).toBe(before.resources.pods.used + 1);
        expect(parseInt(after.resources.cpu.used)).toBe(parseInt(before.resources.cpu.used) + 250);
        expect(BigInt(after.resources.memory.used) - BigInt(before.resources.memory.used)).toBe(64n * 1024n * 1024n);
      }, 30_000);
    } finally {
      await kubectl(['delete', 'pod', '-n', testNamespace(), name, '--wait=false', '--grace-period=0', '--force']);
    }
  });

  it('pushes metrics_update to operators at connect and at each tick, and refuses users', async () => {
    const socket = await openSocket(wsUrl(url, `/api/v1/ws/cluster?token=${operator.token}`));
    sockets.push(socket);
    const first = await socket.next(2000);
    expect(first).toMatchObject({
      type: 'metrics_update',
      metrics: { cluster: { nodes: expect.any(Object), resources: expect.any(Object) } },
    });
    await app.get(ClusterEndpoint).tick();
    expect((await socket.next(2000)).type).toBe('metrics_update');
    const refused = await openSocket(wsUrl(url, `/api/v1/ws/cluster?token=${user.token}`)).then(
      () => undefined,
      (error: { status: number; body: unknown }) => error,
    );
    expect(refused).toMatchObject({ status: 403, body: { error: 'Insufficient permissions' } });
  });
});
