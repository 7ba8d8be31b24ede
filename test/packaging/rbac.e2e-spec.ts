// RBAC proven sufficient and minimal: the real server runs with the chart's ServiceAccount
// identity (a TokenRequest token in a kubeconfig, not the cluster admin) and every feature that
// talks to Kubernetes works; the identity cannot read Secrets, bind roles or write elsewhere.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { LeaderElection } from '../../src/database/leader-election.js';
import { resolveBinDir } from '../control-plane/control-plane.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { createScratchDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startTestApp } from '../support/test-app.js';
import { CHART_DIR, helm, valuesFile } from './helm.js';

const release = 'streamspace-api';
const serviceAccount = 'streamspace-api';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** A kubeconfig for the same API server that authenticates as the chart's ServiceAccount (TokenRequest API). */
async function serviceAccountKubeconfig(namespace: string): Promise<string> {
  const token = (
    await kubectl(['create', 'token', serviceAccount, '--namespace', namespace, '--duration', '1h'])
  ).trim();
  const admin = parse(readFileSync(process.env.KUBECONFIG!, 'utf8')) as {
    clusters: { name: string; cluster: Record<string, string> }[];
  };
  const cluster = admin.clusters[0];
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [cluster],
    users: [{ name: serviceAccount, user: { token } }],
    contexts: [{ name: serviceAccount, context: { cluster: cluster.name, user: serviceAccount, namespace } }],
    'current-context': serviceAccount,
  };
  const path = join(mkdtempSync(join(tmpdir(), 'streamspace-sa-')), 'kubeconfig.yaml');
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

interface ChartIdentityApp {
  app: NestExpressApplication;
  url: string;
  /** An HTTP call as a fresh admin account. */
  call(method: Method, path: string, body?: object): request.Test;
  /** `kubectl auth can-i` as the ServiceAccount: "yes" or "no". */
  canI(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Installs the chart into `namespace` with `values` (external database: the server runs here,
 * not in the fake pod), then starts the real application with the chart's ServiceAccount token
 * instead of the cluster admin.
 */
async function startWithChartIdentity(
  namespace: string,
  values: object,
  env: NodeJS.ProcessEnv = {},
): Promise<ChartIdentityApp> {
  const database = await createScratchDatabase();
  await helm([
    'install',
    release,
    CHART_DIR,
    '--namespace',
    namespace,
    '--create-namespace',
    '--values',
    valuesFile({ postgresql: { enabled: false }, database: { url: database.url }, ...values }),
  ]);
  const saKubeconfig = await serviceAccountKubeconfig(namespace);
  // The identity really is the ServiceAccount, not the admin.
  expect(
    (await kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], undefined, saKubeconfig)).trim(),
  ).toBe(`system:serviceaccount:${namespace}:${serviceAccount}`);
  const { app, url } = await startTestApp({
    KUBECONFIG: saKubeconfig,
    NAMESPACE: namespace,
    DATABASE_URL: database.url,
    ...env,
  });
  await eventually(() => expect(app.get(LeaderElection).isLeader).toBe(true), 20_000, 100);
  const admin: TestAccount = await createAccount(app, url, { role: 'admin' });
  return {
    app,
    url,
    call: (method, path, body) => {
      const req = request(url)[method](`/api/v1${path}`).set('Authorization', admin.bearer);
      return body === undefined ? req : req.send(body);
    },
    // can-i exits 1 on "no", so stdout is read either way.
    canI: (...args) =>
      new Promise<string>((resolve) =>
        execFile(
          join(resolveBinDir(), 'kubectl'),
          ['--kubeconfig', saKubeconfig, 'auth', 'can-i', ...args],
          (_error, stdout, stderr) => resolve(stdout.trim() || stderr.trim()),
        ),
      ),
    close: async () => {
      await app.close();
      await helm(['uninstall', release, '--namespace', namespace]).catch(() => undefined);
      await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
      await database.drop();
    },
  };
}

describe("the chart's ServiceAccount runs the whole server, and nothing more", () => {
  const namespace = uniqueName('helm-rbac');
  const writeNamespace = uniqueName('helm-rbac-w');
  const otherNamespace = uniqueName('helm-rbac-o');
  let env: ChartIdentityApp;
  let url: string;

  const call = (method: Method, path: string, body?: object) => env.call(method, path, body);
  const canI = (...args: string[]) => env.canI(...args);
  const sessionPhase = async (name: string) =>
    ((await call('get', `/sessions/${name}`).expect(200)).body as { status: { phase: string } }).status.phase;

  beforeAll(async () => {
    for (const name of [writeNamespace, otherNamespace]) await kubectl(['create', 'namespace', name]);
    env = await startWithChartIdentity(
      namespace,
      { config: { clusterWriteNamespaces: [writeNamespace] } },
      { CLUSTER_WRITE_NAMESPACES: writeNamespace },
    );
    url = env.url;
  });

  afterAll(async () => {
    await env?.close();
    for (const name of [writeNamespace, otherNamespace])
      await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
  });

  it('reports Kubernetes up in /health', async () => {
    const health = await request(url).get('/health').expect(200);
    expect(health.body.checks.kubernetes.status).toBe('up');
  });

  it('creates, lists, hibernates and deletes a session with its workloads', async () => {
    const template = uniqueName('tpl');
    await call('post', '/templates', {
      name: template,
      displayName: 'Firefox',
      baseImage: 'lscr.io/linuxserver/firefox:4.0',
    }).expect(201);
    await eventually(async () =>
      expect(
        (await call('get', '/templates').expect(200)).body.templates.map((t: { name: string }) => t.name),
      ).toContain(template),
    );

    const session = (await call('post', '/sessions', { template }).expect(202)).body as { name: string };
    await eventually(async () => expect(await sessionPhase(session.name)).toBe('Running'), 30_000, 200);
    const { podName } = (
      (await call('get', `/sessions/${session.name}`).expect(200)).body as { status: { podName: string } }
    ).status;
    await call('get', `/cluster/pods/${namespace}/${podName}/logs?tailLines=5`).expect(200);
    const deployment = JSON.parse(
      await kubectl(['get', 'deployment', `ss-${session.name}`, '-n', namespace, '-o', 'json']),
    );
    expect(deployment.spec.replicas).toBe(1);
    expect((await call('get', '/sessions').expect(200)).body.sessions.map((s: { name: string }) => s.name)).toContain(
      session.name,
    );

    await call('patch', `/sessions/${session.name}`, { state: 'hibernated' }).expect(202);
    await eventually(async () => expect(await sessionPhase(session.name)).toBe('Hibernated'), 30_000, 200);
    expect(
      JSON.parse(await kubectl(['get', 'deployment', `ss-${session.name}`, '-n', namespace, '-o', 'json'])).spec
        .replicas,
    ).toBe(0);

    await call('delete', `/sessions/${session.name}`).expect(202);
    await eventually(() => call('get', `/sessions/${session.name}`).expect(404), 30_000, 200);
  });

  it('installs an application, whose ApplicationInstall becomes a Ready Template', async () => {
    const catalog = (await call('get', '/catalog/templates').expect(200)).body as {
      templates: { id: number; name: string }[];
    };
    const firefox = catalog.templates.find((entry) => entry.name === 'firefox');
    expect(firefox).toBeDefined();
    const application = (await call('post', '/applications', { catalogTemplateId: firefox!.id }).expect(201)).body as {
      id: string;
      templateName: string;
    };
    await eventually(
      async () =>
        expect((await call('get', `/applications/${application.id}`).expect(200)).body.installStatus).toBe('installed'),
      30_000,
      200,
    );
    await call('get', `/templates/${application.templateName}`).expect(200);
  });

  it('reads and writes the platform configuration', async () => {
    await call('patch', '/config', { 'session.defaultIdleTimeout': '45m' }).expect(200);
    await eventually(async () =>
      expect((await call('get', '/config').expect(200)).body['session.defaultIdleTimeout']).toBe('45m'),
    );
  });

  it('administers nodes: list, label and unlabel', async () => {
    const nodes = (await call('get', '/admin/nodes').expect(200)).body as { name: string }[];
    expect(nodes.length).toBeGreaterThan(0);
    const node = nodes[0].name;
    await call('put', `/admin/nodes/${node}/labels`, { key: 'example.com/rbac-test', value: 'yes' }).expect(200);
    await call('delete', `/admin/nodes/${node}/labels/example.com/rbac-test`).expect(200);
    await call('get', '/admin/nodes/stats').expect(200);
  });

  it('serves the cluster views and writes generic resources only where the values allow', async () => {
    await call('get', '/cluster/namespaces').expect(200);
    await call('get', '/cluster/nodes').expect(200);
    await call('get', `/cluster/pods?namespace=${otherNamespace}`).expect(200);
    await call('get', '/cluster/deployments?namespace=kube-system').expect(200);
    for (const target of [namespace, writeNamespace]) {
      const configMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'rbac-check', namespace: target },
        data: { a: '1' },
      };
      await call('post', '/cluster/resources', configMap).expect(201);
      await call('patch', `/cluster/resources/configmap/rbac-check?namespace=${target}`, { data: { a: '2' } }).expect(
        200,
      );
      await call('delete', `/cluster/resources/configmap/rbac-check?namespace=${target}`).expect(200);
    }
    await kubectl(['create', 'configmap', 'visible', '-n', otherNamespace, '--from-literal=a=1']);
    await call('get', `/cluster/resources/configmap/visible?namespace=${otherNamespace}`).expect(200);
  });

  it('cannot read Secrets, bind or escalate roles, impersonate, or write outside its namespaces', async () => {
    const refused: string[][] = [
      ['get', 'secrets', '-n', namespace],
      ['list', 'secrets', '--all-namespaces'],
      ['create', 'rolebindings', '-n', namespace],
      ['create', 'clusterrolebindings'],
      ['bind', 'clusterroles'],
      ['escalate', 'roles', '-n', namespace],
      ['impersonate', 'users'],
      ['create', 'serviceaccounts/token', '-n', namespace],
      ['create', 'configmaps', '-n', otherNamespace],
      ['delete', 'deployments', '-n', otherNamespace],
      ['create', 'sessions.stream.space', '-n', otherNamespace],
      ['delete', 'namespaces'],
      ['delete', 'nodes'],
      ['create', 'customresourcedefinitions.apiextensions.k8s.io'],
      ['*', '*'],
    ];
    for (const args of refused) expect([args.join(' '), await canI(...args)]).toEqual([args.join(' '), 'no']);
    const allowed: string[][] = [
      ['create', 'sessions.stream.space', '-n', namespace],
      ['patch', 'deployments', '--subresource', 'scale', '-n', namespace],
      ['create', 'configmaps', '-n', writeNamespace],
      ['patch', 'nodes'],
      ['create', 'pods', '--subresource', 'eviction', '-n', otherNamespace],
    ];
    for (const args of allowed) expect([args.join(' '), await canI(...args)]).toEqual([args.join(' '), 'yes']);
  });
});

describe('with rbac.nodeAdmin, rbac.clusterRead and rbac.resourceWrite off', () => {
  const namespace = uniqueName('helm-rbac-min');
  let env: ChartIdentityApp;

  beforeAll(async () => {
    env = await startWithChartIdentity(namespace, {
      rbac: { nodeAdmin: false, clusterRead: false, resourceWrite: false },
    });
  });
  afterAll(() => env?.close());

  it('still runs sessions and templates, and lists nodes from its watch cache', async () => {
    await request(env.url).get('/health').expect(200);
    const template = uniqueName('tpl');
    await env
      .call('post', '/templates', {
        name: template,
        displayName: 'Firefox',
        baseImage: 'lscr.io/linuxserver/firefox:4.0',
      })
      .expect(201);
    const session = (await env.call('post', '/sessions', { template }).expect(202)).body as { name: string };
    await eventually(
      async () =>
        expect((await env.call('get', `/sessions/${session.name}`).expect(200)).body.status.phase).toBe('Running'),
      30_000,
      200,
    );
    expect(((await env.call('get', '/admin/nodes').expect(200)).body as unknown[]).length).toBeGreaterThan(0);
  });

  it('loses node changes, cluster views and generic writes: Kubernetes refuses, the API answers permission denied', async () => {
    for (const args of [
      ['patch', 'nodes'],
      ['create', 'pods', '--subresource', 'eviction', '-n', 'default'],
      ['list', 'namespaces'],
      ['get', 'pods', '--subresource', 'log', '-n', namespace],
      ['create', 'configmaps', '-n', 'default'],
      ['delete', 'configmaps', '-n', namespace],
    ]) {
      expect([args.join(' '), await env.canI(...args)]).toEqual([args.join(' '), 'no']);
    }
    const [node] = (await env.call('get', '/admin/nodes').expect(200)).body as { name: string }[];
    const label = await env.call('put', `/admin/nodes/${node.name}/labels`, {
      key: 'example.com/rbac-test',
      value: 'no',
    });
    // api-contract §1.7: a permission the service account lacks is the server's fault, 500.
    expect([label.status, label.body.error]).toEqual([500, 'Kubernetes permission denied']);
    expect(label.body.message).toContain('patch');
    const namespaces = await env.call('get', '/cluster/namespaces');
    expect([namespaces.status, namespaces.body.error]).toEqual([500, 'Kubernetes permission denied']);
  });
});
