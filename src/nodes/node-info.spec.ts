import { describe, expect, it } from '@jest/globals';
import type { NodeObject, PodObject } from '../kubernetes/resources.js';
import { activePodsByNode } from '../kubernetes/cluster-capacity.js';
import { formatAge, formatBinary, toClusterStats, toNodeInfo } from './node-info.js';

const node = (overrides: Partial<NodeObject> = {}): NodeObject =>
  ({
    metadata: {
      name: 'node-a',
      resourceVersion: '7',
      creationTimestamp: '2026-11-20T10:00:00Z',
      labels: {
        'kubernetes.io/hostname': 'node-a',
        'topology.kubernetes.io/zone': 'z1',
        'node.kubernetes.io/instance-type': 'm5.large',
      },
    },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: '2026-11-20T10:00:05Z' },
      ],
      nodeInfo: {
        osImage: 'Linux',
        kernelVersion: '6.1',
        kubeletVersion: 'v1.34.2',
        containerRuntimeVersion: 'kwok',
        architecture: 'amd64',
        bootID: '',
        machineID: '',
        operatingSystem: 'linux',
        systemUUID: '',
        kubeProxyVersion: '',
      },
    },
    ...overrides,
  }) as unknown as NodeObject;

const pod = (
  name: string,
  nodeName: string,
  requests: { cpu?: string; memory?: string },
  phase = 'Running',
): PodObject => ({
  metadata: { name, namespace: 'ns' },
  spec: { nodeName, containers: [{ name: 'c', resources: { requests } }, { name: 'd' }] },
  status: { phase },
});

describe('NodeInfo mapping (§4.8)', () => {
  const now = new Date('2026-11-23T13:20:00Z');

  it('maps a node with the requests of its active pods', () => {
    const pods = [
      pod('a', 'node-a', { cpu: '500m', memory: '1Gi' }),
      pod('b', 'node-a', { cpu: '1', memory: '512Mi' }),
      pod('done', 'node-a', { cpu: '2' }, 'Succeeded'),
    ];
    const info = toNodeInfo(node(), activePodsByNode(pods).get('node-a')!, now);
    expect(info).toMatchObject({
      name: 'node-a',
      taints: [],
      unschedulable: false,
      status: 'Ready',
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      usage: { cpu: '1500m', memory: '1536Mi', cpuPercent: 37.5, memoryPercent: 9.4 },
      info: { osImage: 'Linux', kernelVersion: '6.1', kubeletVersion: 'v1.34.2', containerRuntime: 'kwok' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: '',
          lastTransitionTime: '2026-11-20T10:00:05.000Z',
        },
      ],
      pods: 2,
      age: '3d3h',
      createdAt: '2026-11-20T10:00:00.000Z',
      provider: 'm5.large',
      zone: 'z1',
    });
    expect(info).not.toHaveProperty('region');
  });

  it('shows a cordoned node as tainted unschedulable before the controller adds the taint', () => {
    const cordoned = node({
      spec: {
        unschedulable: true,
        taints: [{ key: 'dedicated', effect: 'NoExecute', timeAdded: '2026-11-23T13:00:00Z' as never }],
      },
    });
    expect(toNodeInfo(cordoned, [], now).taints).toEqual([
      { key: 'dedicated', value: '', effect: 'NoExecute', timeAdded: '2026-11-23T13:00:00.000Z' },
      { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' },
    ]);
    const tainted = node({
      spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
    });
    expect(toNodeInfo(tainted, [], now).taints).toHaveLength(1);
  });

  it('reads NotReady and Unknown from the Ready condition', () => {
    const notReady = node({ status: { conditions: [{ type: 'Ready', status: 'False' }] } });
    expect(toNodeInfo(notReady, [], now)).toMatchObject({
      status: 'NotReady',
      allocatable: {},
      usage: { cpuPercent: 0, memoryPercent: 0 },
    });
    expect(toNodeInfo(node({ status: {} }), [], now).status).toBe('Unknown');
  });

  it('formats ages and binary sizes', () => {
    expect(formatAge('2026-11-23T13:19:18Z', now)).toBe('42s');
    expect(formatAge('2026-11-23T13:13:00Z', now)).toBe('7m');
    expect(formatAge('2026-11-23T08:00:00Z', now)).toBe('5h20m');
    expect(formatBinary(512)).toBe('512.0Mi');
    expect(formatBinary(16_000)).toBe('15.6Gi');
  });

  it('sums cluster capacity and the requests of active pods on known nodes', () => {
    const other = node({
      metadata: { name: 'node-b', resourceVersion: '1' },
      status: {
        capacity: { cpu: '2', memory: '8Gi', pods: '10' },
        allocatable: { cpu: '2', memory: '8Gi', pods: '10' },
        conditions: [],
      },
    });
    const pods = [
      pod('a', 'node-a', { cpu: '600m', memory: '1Gi' }),
      pod('gone', 'node-x', { cpu: '8' }),
      pod('failed', 'node-b', { cpu: '8' }, 'Failed'),
    ];
    expect(toClusterStats([node(), other], pods)).toEqual({
      totalNodes: 2,
      readyNodes: 1,
      notReadyNodes: 1,
      totalCapacity: { cpu: '6.0', memory: '24.0Gi', pods: 120 },
      totalAllocatable: { cpu: '6.0', memory: '24.0Gi', pods: 120 },
      totalUsage: { cpu: '0.6', memory: '1.0Gi', cpuPercent: 10, memoryPercent: 4.2 },
    });
  });
});
