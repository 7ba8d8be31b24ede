import { describe, expect, it } from '@jest/globals';
import type { PodObject } from '../kubernetes/resources.js';
import { planDrain } from './node-drain.js';

const pod = (name: string, metadata: Partial<PodObject['metadata']> = {}) =>
  ({ metadata: { name, namespace: 'ns', ...metadata } }) as PodObject;

describe('drain plan (§3.8 step 3)', () => {
  it('evicts ordinary pods and skips mirror and DaemonSet pods', () => {
    const plan = planDrain([
      pod('web-2', {
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: '1', controller: true }],
      }),
      pod('agent', {
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: '2', controller: true }],
      }),
      pod('static', { annotations: { 'kubernetes.io/config.mirror': 'abc' } }),
      // A DaemonSet that does not control the pod does not protect it.
      pod('adopted', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x', uid: '3' }] }),
      pod('bare'),
    ]);
    expect(plan.evict).toEqual([
      { namespace: 'ns', name: 'adopted' },
      { namespace: 'ns', name: 'bare' },
      { namespace: 'ns', name: 'web-2' },
    ]);
    expect(plan.skipped).toEqual([
      { namespace: 'ns', name: 'agent', reason: 'DaemonSet' },
      { namespace: 'ns', name: 'static', reason: 'MirrorPod' },
    ]);
  });
});
