// The chart installed into the run's full-mode cluster (kwok fakes kubelets and image pulls):
// install → pods Running on a kwok node, upgrade keeps the generated secrets, uninstall keeps the CRDs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { CHART_DIR, helm } from './helm.js';

interface PodList {
  items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string } }[];
}

const namespace = uniqueName('helm-install');
const release = 'streamspace-api';
const fullname = 'streamspace-api';

async function podsOf(component: string): Promise<PodList['items']> {
  const out = await kubectl([
    'get',
    'pods',
    '-n',
    namespace,
    '-l',
    `app.kubernetes.io/component=${component}`,
    '-o',
    'json',
  ]);
  return (JSON.parse(out) as PodList).items;
}

async function expectRunningOnKwokNode(component: string): Promise<void> {
  await eventually(
    async () => {
      const pods = await podsOf(component);
      expect(pods).toHaveLength(1);
      expect(pods[0].status.phase).toBe('Running');
      const node = JSON.parse(await kubectl(['get', 'node', pods[0].spec.nodeName ?? '', '-o', 'json'])) as {
        metadata: { annotations?: Record<string, string> };
      };
      expect(node.metadata.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
    },
    60_000,
    250,
  );
}

async function secretData(): Promise<Record<string, string>> {
  const secret = JSON.parse(await kubectl(['get', 'secret', fullname, '-n', namespace, '-o', 'json'])) as {
    data: Record<string, string>;
  };
  return Object.fromEntries(
    Object.entries(secret.data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
  );
}

describe('helm install / upgrade / uninstall on the test cluster', () => {
  let notes = '';

  beforeAll(async () => {
    // The command of docs/operations.md ("Trial install"), with the bundled PostgreSQL.
    notes = await helm(['install', release, CHART_DIR, '--namespace', namespace, '--create-namespace']);
  });

  afterAll(async () => {
    await helm(['uninstall', release, '--namespace', namespace]).catch(() => undefined);
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it('tells how to log in after install', () => {
    expect(notes).toContain('STATUS: deployed');
    expect(notes).toContain('/api/v1/auth/setup');
    expect(notes).toContain('/api/v1/auth/login');
  });

  it('brings the API pod and the bundled PostgreSQL to Running on a kwok node', async () => {
    await expectRunningOnKwokNode('api');
    await expectRunningOnKwokNode('database');
  });

  it('keeps the generated JWT secret and database password on upgrade', async () => {
    const before = await secretData();
    expect(before['jwt-secret']).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(before['postgresql-password']).toMatch(/^[A-Za-z0-9]{32}$/);

    await helm([
      'upgrade',
      release,
      CHART_DIR,
      '--namespace',
      namespace,
      '--set',
      'config.logLevel=debug',
      '--set',
      'replicaCount=2',
    ]);

    const after = await secretData();
    expect(after['jwt-secret']).toBe(before['jwt-secret']);
    expect(after['postgresql-password']).toBe(before['postgresql-password']);
    const deployment = JSON.parse(await kubectl(['get', 'deployment', fullname, '-n', namespace, '-o', 'json'])) as {
      spec: { replicas: number; template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'LOG_LEVEL', value: 'debug' });
    await eventually(
      async () => {
        const pods = await podsOf('api');
        expect(pods.filter((pod) => pod.status.phase === 'Running')).toHaveLength(2);
      },
      60_000,
      250,
    );
  });

  it('removes its objects on uninstall but leaves the CRDs and the Sessions API in place', async () => {
    await helm(['uninstall', release, '--namespace', namespace, '--wait', '--timeout', '60s']);
    const left = await kubectl([
      'get',
      'deployment,statefulset,service,secret,role,rolebinding',
      '-n',
      namespace,
      '-l',
      `app.kubernetes.io/instance=${release}`,
      '-o',
      'name',
    ]);
    expect(left.trim()).toBe('');
    const clusterRoles = await kubectl(['get', 'clusterrole,clusterrolebinding', '-o', 'name']);
    expect(clusterRoles).not.toContain(`${fullname}-${namespace}-`);
    for (const crd of ['sessions.stream.space', 'templates.stream.space', 'applicationinstalls.stream.space']) {
      expect((await kubectl(['get', 'crd', crd, '-o', 'name'])).trim()).toBe(
        `customresourcedefinition.apiextensions.k8s.io/${crd}`,
      );
    }
  });
});
