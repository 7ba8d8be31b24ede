import type { NodeObject, PodObject } from '../kubernetes/resources.js';
import { cpuMillicores, formatCpu, formatMemory, memoryMib } from '../kubernetes/quantities.js';

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

/** Pods that hold resources on their node: neither Succeeded nor Failed. */
export function isActivePod(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** Sum of container requests (allocation, not consumption) in millicores and MiB. */
export function podRequests(pod: PodObject): { millicores: number; mib: number } {
  let millicores = 0;
  let mib = 0;
  for (const container of pod.spec?.containers ?? []) {
    const requests = container.resources?.requests ?? {};
    millicores += cpuMillicores(requests.cpu ?? '0') ?? 0;
    mib += memoryMib(requests.memory ?? '0') ?? 0;
  }
  return { millicores, mib };
}

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

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

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
  const requested = pods.reduce(
    (sum, pod) => {
      const { millicores, mib } = podRequests(pod);
      return { millicores: sum.millicores + millicores, mib: sum.mib + mib };
    },
    { millicores: 0, mib: 0 },
  );
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
      memory: formatMemory(requested.mib),
      cpuPercent: percent(requested.millicores, cpuMillicores(allocatable.cpu ?? '0') ?? 0),
      memoryPercent: percent(requested.mib, memoryMib(allocatable.memory ?? '0') ?? 0),
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
  const sum = (pick: (node: NodeObject) => Record<string, string> | undefined) =>
    nodes.reduce(
      (total, node) => {
        const resources = pick(node) ?? {};
        return {
          millicores: total.millicores + (cpuMillicores(resources.cpu ?? '0') ?? 0),
          mib: total.mib + (memoryMib(resources.memory ?? '0') ?? 0),
          pods: total.pods + (Number.parseInt(resources.pods ?? '0', 10) || 0),
        };
      },
      { millicores: 0, mib: 0, pods: 0 },
    );
  const capacity = sum((node) => node.status?.capacity);
  const allocatable = sum((node) => node.status?.allocatable);
  const nodeNames = new Set(nodes.map((node) => node.metadata.name));
  const used = pods
    .filter((pod) => isActivePod(pod) && nodeNames.has(pod.spec?.nodeName ?? ''))
    .reduce(
      (total, pod) => {
        const { millicores, mib } = podRequests(pod);
        return { millicores: total.millicores + millicores, mib: total.mib + mib };
      },
      { millicores: 0, mib: 0 },
    );
  const readyNodes = nodes.filter((node) => readyStatus(node) === 'Ready').length;
  return {
    totalNodes: nodes.length,
    readyNodes,
    notReadyNodes: nodes.length - readyNodes,
    totalCapacity: { cpu: formatCores(capacity.millicores), memory: formatBinary(capacity.mib), pods: capacity.pods },
    totalAllocatable: {
      cpu: formatCores(allocatable.millicores),
      memory: formatBinary(allocatable.mib),
      pods: allocatable.pods,
    },
    totalUsage: {
      cpu: formatCores(used.millicores),
      memory: formatBinary(used.mib),
      cpuPercent: percent(used.millicores, allocatable.millicores),
      memoryPercent: percent(used.mib, allocatable.mib),
    },
  };
}
