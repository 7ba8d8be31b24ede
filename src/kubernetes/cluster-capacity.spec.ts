import { describe, expect, it } from '@jest/globals';
import { clusterCapacity, percentOf } from './cluster-capacity.js';
import type { NodeObject, PodObject } from './resources.js';

const node = (name: string, ready: boolean, memory: string): NodeObject => ({
  metadata: { name },
  status: {
    capacity: { cpu: '4', memory, pods: '110' },
    allocatable: { cpu: '3500m', memory, pods: '100' },
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  },
});

const pod = (nodeName: string, requests: Record<string, string>, phase = 'Running'): PodObject => ({
  metadata: { name: `p-${Math.random()}` },
  spec: { nodeName, containers: [{ name: 'a', resources: { requests } }, { name: 'b' }] },
  status: { phase },
});

describe('clusterCapacity', () => {
  it('sums what the nodes offer and what active pods bound to them request, memory in exact bytes', () => {
    const figures = clusterCapacity(
      [node('a', true, '16393364Ki'), node('b', false, '8Gi')],
      [
        pod('a', { cpu: '250m', memory: '100M' }),
        pod('b', { cpu: '1', memory: '64Mi' }),
        pod('a', { cpu: '8' }, 'Succeeded'),
        pod('gone', { cpu: '8' }),
        pod('', { cpu: '8' }),
      ],
    );
    expect(figures).toEqual({
      nodes: 2,
      readyNodes: 1,
      capacity: { millicores: 8000, memoryBytes: 16393364n * 1024n + 8n * 2n ** 30n, pods: 220 },
      allocatable: { millicores: 7000, memoryBytes: 16393364n * 1024n + 8n * 2n ** 30n, pods: 200 },
      requested: { millicores: 1250, memoryBytes: 100_000_000n + 64n * 2n ** 20n, pods: 2 },
    });
  });

  it('gives shares with one decimal and 0 of nothing', () => {
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(5n, 8n)).toBe(62.5);
    expect(percentOf(1, 0)).toBe(0);
  });
});
