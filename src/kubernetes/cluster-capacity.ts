import { cpuMillicores, memoryBytes } from './quantities.js';
import type { NodeObject, PodObject } from './resources.js';

/** CPU in millicores, memory in exact bytes, and pods. */
export interface ResourceAmounts {
  millicores: number;
  memoryBytes: bigint;
  pods: number;
}

/** What the nodes offer and what the active pods bound to them request (allocation, not consumption). */
export interface ClusterCapacity {
  nodes: number;
  readyNodes: number;
  capacity: ResourceAmounts;
  allocatable: ResourceAmounts;
  requested: ResourceAmounts;
}

const NONE: ResourceAmounts = { millicores: 0, memoryBytes: 0n, pods: 0 };

const add = (a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts => ({
  millicores: a.millicores + b.millicores,
  memoryBytes: a.memoryBytes + b.memoryBytes,
  pods: a.pods + b.pods,
});

/** One decimal place: 41.7 (%), 0 when there is nothing to take a share of. */
export const percentOf = (part: number | bigint, whole: number | bigint): number =>
  Number(whole) > 0 ? Math.round((Number(part) / Number(whole)) * 1000) / 10 : 0;

export function isReadyNode(node: NodeObject): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Pods that hold resources on their node: neither Succeeded nor Failed. */
export function isActivePod(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** A node's `capacity` or `allocatable` as amounts. */
export function nodeAmounts(resources: Record<string, string> | undefined): ResourceAmounts {
  return {
    millicores: cpuMillicores(resources?.cpu ?? '0') ?? 0,
    memoryBytes: memoryBytes(resources?.memory ?? '0') ?? 0n,
    pods: Number.parseInt(resources?.pods ?? '0', 10) || 0,
  };
}

/** The requests of a pod's containers; the pod itself counts as one. */
export function podRequests(pod: PodObject): ResourceAmounts {
  let millicores = 0;
  let bytes = 0n;
  for (const container of pod.spec?.containers ?? []) {
    millicores += cpuMillicores(container.resources?.requests?.cpu ?? '0') ?? 0;
    bytes += memoryBytes(container.resources?.requests?.memory ?? '0') ?? 0n;
  }
  return { millicores, memoryBytes: bytes, pods: 1 };
}

/** The summed requests of pods. */
export const requestsOf = (pods: PodObject[]): ResourceAmounts => pods.map(podRequests).reduce(add, NONE);

/** Active pods per node name. */
export function activePodsByNode(pods: PodObject[]): Map<string, PodObject[]> {
  const byNode = new Map<string, PodObject[]>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || !isActivePod(pod)) continue;
    const onNode = byNode.get(node);
    if (onNode) onNode.push(pod);
    else byNode.set(node, [pod]);
  }
  return byNode;
}

/** Capacity, allocatable and requests over every node (api-contract §4.8 ClusterStats, §4.9 ClusterMetrics). */
export function clusterCapacity(nodes: NodeObject[], pods: PodObject[]): ClusterCapacity {
  const byNode = activePodsByNode(pods);
  return {
    nodes: nodes.length,
    readyNodes: nodes.filter(isReadyNode).length,
    capacity: nodes.map((node) => nodeAmounts(node.status?.capacity)).reduce(add, NONE),
    allocatable: nodes.map((node) => nodeAmounts(node.status?.allocatable)).reduce(add, NONE),
    requested: requestsOf(nodes.flatMap((node) => byNode.get(node.metadata.name) ?? [])),
  };
}
