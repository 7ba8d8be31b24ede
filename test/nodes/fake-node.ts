import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';

/**
 * The harness's fake nodes are shared by every suite of a run, so these suites change nodes of
 * their own: kwok runs any Node with this annotation. A reservation taint keeps other suites'
 * pods off them; the pods of these suites tolerate it (`reservedToleration`).
 */
export const RESERVATION_TAINT = 'streamspace.test/reserved';
export const reservedToleration = { key: RESERVATION_TAINT, operator: 'Exists', effect: 'NoSchedule' };

export interface FakeNode {
  name: string;
  delete(): Promise<void>;
}

export async function createFakeNode(prefix = 'test-node'): Promise<FakeNode> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  const resources = { cpu: '8', memory: '32Gi', pods: '110' };
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    spec: { taints: [{ key: RESERVATION_TAINT, value: name, effect: 'NoSchedule' }] },
    status: { capacity: resources, allocatable: resources },
  };
  await kubectl(['create', '-f', '-'], JSON.stringify(node));
  // Ready once kwok keeps its lease and the lifecycle controller has lifted the not-ready taint.
  await eventually(
    async () => {
      const current = JSON.parse(await kubectl(['get', 'node', name, '-o', 'json']));
      expect(current.status.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status).toBe('True');
      expect((current.spec.taints ?? []).map((t: { key: string }) => t.key)).toEqual([RESERVATION_TAINT]);
    },
    30_000,
    200,
  );
  return { name, delete: () => kubectl(['delete', 'node', name, '--wait=false']).then(() => undefined) };
}

/** The node as the API server has it now. */
export async function readNode(name: string) {
  return JSON.parse(await kubectl(['get', 'node', name, '-o', 'json'])) as {
    metadata: { labels: Record<string, string>; resourceVersion: string };
    spec: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string; timeAdded?: string }[] };
  };
}
