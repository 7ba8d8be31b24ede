import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startTestApp } from '../support/test-app.js';
import { createFakeNode, type FakeNode, readNode, reservedToleration } from './fake-node.js';

interface PodSummary {
  metadata: {
    name: string;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string }[];
    deletionTimestamp?: string;
  };
  spec: { nodeName?: string };
  status: { phase?: string };
}

async function podsOn(namespace: string, node: string): Promise<PodSummary[]> {
  const pods = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-o', 'json'])).items as PodSummary[];
  return pods.filter((pod) => pod.spec.nodeName === node);
}

/** A Deployment (or its pod template) pinned to `node`. */
function deployment(name: string, namespace: string, node: string, replicas: number) {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': node },
          tolerations: [reservedToleration],
          containers: [{ name: 'main', image: 'busybox' }],
        },
      },
    },
  };
}

describe('POST /api/v1/admin/nodes/:name/drain (§3.8)', () => {
  let app: NestExpressApplication;
  let url: string;
  let admin: TestAccount;
  const nodes: FakeNode[] = [];
  const namespace = uniqueName('drain');
  const drain = (node: string, body?: object) =>
    request(url)
      .post(`/api/v1/admin/nodes/${node}/drain`)
      .set('Authorization', admin.bearer)
      .set('Content-Type', 'application/json')
      .send(body);

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    admin = await createAccount(app, url, { role: 'admin' });
    await kubectl(['create', 'namespace', namespace]);
  });
  afterAll(async () => {
    await app?.close();
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    await Promise.all(nodes.map((node) => node.delete()));
  });

  it('cordons, evicts Deployment pods and skips DaemonSet and mirror pods', async () => {
    const node = await createFakeNode('drain');
    nodes.push(node);
    const daemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: {
            nodeSelector: { 'kubernetes.io/hostname': node.name },
            tolerations: [reservedToleration],
            containers: [{ name: 'agent', image: 'busybox' }],
          },
        },
      },
    };
    // What a kubelet creates for a static pod: bound to the node, marked as a mirror.
    const mirror = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `static-${node.name}`, namespace, annotations: { 'kubernetes.io/config.mirror': 'hash' } },
      spec: {
        nodeName: node.name,
        tolerations: [reservedToleration],
        containers: [{ name: 'static', image: 'busybox' }],
      },
    };
    for (const object of [deployment('web', namespace, node.name, 2), daemonSet, mirror]) {
      await kubectl(['create', '-f', '-'], JSON.stringify(object));
    }
    const before = await eventually(
      async () => {
        const pods = await podsOn(namespace, node.name);
        expect(pods.filter((pod) => pod.status.phase === 'Running')).toHaveLength(4);
        return pods;
      },
      30_000,
      200,
    );
    const web = before
      .filter((pod) => pod.metadata.name.startsWith('web-'))
      .map((pod) => pod.metadata.name)
      .sort();
    const agent = before.find((pod) => pod.metadata.ownerReferences?.[0]?.kind === 'DaemonSet')!.metadata.name;

    const started = Date.now();
    const response = await drain(node.name, {
      grace_period_seconds: 0,
      gracePeriodSeconds: 3000,
      timeoutSeconds: 30,
    }).expect(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(response.body).toEqual({
      message: 'Node drained successfully',
      node: node.name,
      evicted: web.map((name) => ({ namespace, name })),
      skipped: [
        { namespace, name: agent, reason: 'DaemonSet' },
        { namespace, name: `static-${node.name}`, reason: 'MirrorPod' },
      ].sort((a, b) => a.name.localeCompare(b.name)),
      failed: [],
    });

    expect((await readNode(node.name)).spec.unschedulable).toBe(true);
    await eventually(
      async () => {
        const names = (await podsOn(namespace, node.name)).map((pod) => pod.metadata.name);
        for (const name of web) expect(names).not.toContain(name);
        expect(names).toEqual(expect.arrayContaining([agent, `static-${node.name}`]));
      },
      15_000,
      200,
    );
  });

  it('answers 409 Drain incomplete when a PodDisruptionBudget blocks an eviction until the timeout', async () => {
    const node = await createFakeNode('drain-pdb');
    nodes.push(node);
    await kubectl(['create', '-f', '-'], JSON.stringify(deployment('guarded', namespace, node.name, 1)));
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'guarded', namespace },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    };
    await kubectl(['create', '-f', '-'], JSON.stringify(pdb));
    const [pod] = await eventually(
      async () => {
        const pods = (await podsOn(namespace, node.name)).filter((p) => p.status.phase === 'Running');
        expect(pods).toHaveLength(1);
        return pods;
      },
      30_000,
      200,
    );

    const started = Date.now();
    const [response, meanwhile] = await Promise.all([
      drain(node.name, { timeoutSeconds: 6 }),
      // A long drain holds no other request up.
      new Promise((resolve) => setTimeout(resolve, 1000)).then(() =>
        request(url).get('/api/v1/admin/nodes/stats').set('Authorization', admin.bearer),
      ),
    ]);
    const elapsed = Date.now() - started;
    expect(meanwhile.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(5_500);
    expect(elapsed).toBeLessThan(15_000);
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      error: 'Drain incomplete',
      message: '1 pod(s) could not be evicted before the timeout',
      details: {
        node: node.name,
        evicted: [],
        skipped: [],
        failed: [{ namespace, name: pod.metadata.name, reason: expect.stringMatching(/disruption budget/i) }],
      },
    });
    expect((await readNode(node.name)).spec.unschedulable).toBe(true);
    expect((await podsOn(namespace, node.name)).map((p) => p.metadata.name)).toContain(pod.metadata.name);
  });

  it('validates the body', async () => {
    for (const body of [
      { timeoutSeconds: 0 },
      { timeoutSeconds: 301 },
      { grace_period_seconds: -1 },
      { gracePeriodSeconds: 3601 },
      { timeoutSeconds: '5' },
    ]) {
      const response = await drain('kwok-node-0', body).expect(400);
      expect(response.body).toMatchObject({ error: 'Invalid request' });
    }
    expect((await readNode('kwok-node-0')).spec.unschedulable).toBeFalsy();
  });
});
