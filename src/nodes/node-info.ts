import type { NodeObject, PodObject } from '../kubernetes/resources.js';
import { clusterCapacity, nodeAmounts, percentOf, requestsOf } from '../kubernetes/cluster-capacity.js';
import { formatCpu, formatMemory } from '../kubernetes/quantities.js';

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export interface NodeTaintView {
  key: string;
  value: string;
  effect: string;
  timeAdded?: string;
}

/** api-contract §4.8. */
export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  taints: NodeTaintView[];
  unschedulable: boolean;
  status: 'Ready' | 'NotReady' | 'Unknown';
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  usage: { cpu: string; memory: string; cpuPercent: number; memoryPercent: number };
  info: { osImage: string; kernelVersion: string; kubeletVersion: string; containerRuntime: string };
  conditions: { type: string; status: string; reason: string; message: string; lastTransitionTime: string | null }[];
  pods: number;
  age: string;
  createdAt: string | null;
  provider?: string;
  region?: string;
  zone?: string;
}

/** api-contract §4.8. */
export interface ClusterStats {
  totalNodes: number;
  readyNodes: number;
  notReadyNodes: number;
  totalCapacity: { cpu: string; memory: string; pods: number };
  totalAllocatable: { cpu: string; memory: string; pods: number };
  totalUsage: { cpu: string; memory: string; cpuPercent: number; memoryPercent: number };
}

const PROVIDER_LABELS = [
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'node.kubernetes.io/instance-type',
];

/** Objects from the watch carry timestamps as strings, typed clients as Date: accept both. */
export function toTimestamp(value: Date | string | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const MIB = 2 ** 20;

/** "12d3h", "5h20m", "7m", "42s". */
export function formatAge(created: string | null, now: Date): string {
  if (!created) return '';
  const seconds = Math.max(0, Math.floor((now.getTime() - new Date(created).getTime()) / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d${hours}h`;
  if (hours > 0) return `${hours}h${minutes}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${seconds}s`;
}

function readyStatus(node: NodeObject): NodeInfo['status'] {
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (ready?.status === 'True') return 'Ready';
  if (ready?.status === 'False') return 'NotReady';
  return 'Unknown';
}

/**
 * The node's taints as the UI needs them. A cordoned node shows the unschedulable taint at once,
 * before (or, in a test cluster, without) the node lifecycle controller adding it.
 */
function taintViews(node: NodeObject): NodeTaintView[] {
  const taints: NodeTaintView[] = (node.spec?.taints ?? []).map((taint) => {
    const timeAdded = toTimestamp(taint.timeAdded);
    return { key: taint.key, value: taint.value ?? '', effect: taint.effect, ...(timeAdded ? { timeAdded } : {}) };
  });
  if (node.spec?.unschedulable && !taints.some((taint) => taint.key === UNSCHEDULABLE_TAINT)) {
    taints.push({ key: UNSCHEDULABLE_TAINT, value: '', effect: 'NoSchedule' });
  }
  return taints;
}

/** NodeInfo of one node, given the active pods bound to it. */
export function toNodeInfo(node: NodeObject, pods: PodObject[], now: Date): NodeInfo {
  const labels = node.metadata.labels ?? {};
  const allocatable = node.status?.allocatable ?? {};
  const offered = nodeAmounts(allocatable);
  const requested = requestsOf(pods);
  const createdAt = toTimestamp(node.metadata.creationTimestamp);
  const nodeInfo = node.status?.nodeInfo;
  const provider = PROVIDER_LABELS.map((label) => labels[label]).find((value) => value !== undefined);
  const region = labels['topology.kubernetes.io/region'];
  const zone = labels['topology.kubernetes.io/zone'];
  return {
    name: node.metadata.name,
    labels,
    taints: taintViews(node),
    unschedulable: node.spec?.unschedulable === true,
    status: readyStatus(node),
    capacity: node.status?.capacity ?? {},
    allocatable,
    usage: {
      cpu: formatCpu(requested.millicores),
      memory: formatMemory(Math.ceil(Number(requested.memoryBytes) / MIB)),
      cpuPercent: percentOf(requested.millicores, offered.millicores),
      memoryPercent: percentOf(requested.memoryBytes, offered.memoryBytes),
    },
    info: {
      osImage: nodeInfo?.osImage ?? '',
      kernelVersion: nodeInfo?.kernelVersion ?? '',
      kubeletVersion: nodeInfo?.kubeletVersion ?? '',
      containerRuntime: nodeInfo?.containerRuntimeVersion ?? '',
    },
    conditions: (node.status?.conditions ?? []).map((condition) => ({
      type: condition.type,
      status: condition.status,
      reason: condition.reason ?? '',
      message: condition.message ?? '',
      lastTransitionTime: toTimestamp(condition.lastTransitionTime as Date | string | undefined),
    })),
    pods: pods.length,
    age: formatAge(createdAt, now),
    createdAt,
    ...(provider === undefined ? {} : { provider }),
    ...(region === undefined ? {} : { region }),
    ...(zone === undefined ? {} : { zone }),
  };
}

/** Cores with one decimal: "4.0". */
const formatCores = (millicores: number) => (millicores / 1000).toFixed(1);

/** 1024-based, one decimal, the largest unit the value reaches: "15.6Gi", "512.0Mi". */
export function formatBinary(mib: number): string {
  const units = ['Mi', 'Gi', 'Ti', 'Pi'];
  let value = mib;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)}${units[unit]}`;
}

/** ClusterStats over every node; usage = requests of active pods against total allocatable. */
export function toClusterStats(nodes: NodeObject[], pods: PodObject[]): ClusterStats {
  const { capacity, allocatable, requested, readyNodes } = clusterCapacity(nodes, pods);
  const memory = (bytes: bigint) => formatBinary(Number(bytes) / MIB);
  return {
    totalNodes: nodes.length,
    readyNodes,
    notReadyNodes: nodes.length - readyNodes,
    totalCapacity: { cpu: formatCores(capacity.millicores), memory: memory(capacity.memoryBytes), pods: capacity.pods },
    totalAllocatable: {
      cpu: formatCores(allocatable.millicores),
      memory: memory(allocatable.memoryBytes),
      pods: allocatable.pods,
    },
    totalUsage: {
      cpu: formatCores(requested.millicores),
      memory: memory(requested.memoryBytes),
      cpuPercent: percentOf(requested.millicores, allocatable.millicores),
      memoryPercent: percentOf(requested.memoryBytes, allocatable.memoryBytes),
    },
  };
}
