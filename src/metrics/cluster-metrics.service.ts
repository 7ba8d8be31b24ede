import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { NodeCache } from '../kubernetes/node.cache.js';
import { PodCache } from '../kubernetes/pod.cache.js';
import type { NodeObject, PodObject } from '../kubernetes/resources.js';
import { SessionCache } from '../kubernetes/custom-resource.cache.js';
import { cpuMillicores, formatCpu, memoryBytes } from '../kubernetes/quantities.js';

/** `ClusterMetrics` (api-contract §4.9). */
export interface ClusterMetrics {
  nodes: { total: number; ready: number; notReady: number };
  sessions: { total: number; running: number; hibernated: number; terminated: number };
  resources: {
    cpu: { total: string; used: string; percent: number };
    memory: { total: string; used: string; percent: number };
    pods: { total: number; used: number; percent: number };
  };
  users: { total: number; active: number };
}

const DAY_MS = 24 * 3600 * 1000;
const percent = (used: number, total: number) => (total > 0 ? Math.round((used / total) * 1000) / 10 : 0);
const isReady = (node: NodeObject) =>
  node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
/** Pods that hold their node's resources: scheduled and not finished. */
const holdsResources = (pod: PodObject) =>
  Boolean(pod.spec?.nodeName) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/**
 * The cluster figures of the admin dashboard (§3.12, §4.9) from the Node, Pod and Session watch
 * caches plus one users query. Never partial: while a cache has not synced the answer is 503.
 */
@Injectable()
export class ClusterMetricsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly nodes: NodeCache,
    private readonly pods: PodCache,
    private readonly sessions: SessionCache,
    private readonly clock: Clock,
  ) {}

  async compute(): Promise<ClusterMetrics> {
    if (!this.nodes.isSynced || !this.pods.isSynced || !this.sessions.isSynced)
      throw new ApiError(503, 'Kubernetes unavailable', 'Cluster figures are not available yet', { retryAfter: 5 });
    const [users] = await this.db.query<{ total: number; active: number }[]>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE u.last_login > $1
                 OR EXISTS (SELECT 1 FROM connections c WHERE c.user_id = u.id AND c.connected_at > $1))::int AS active
         FROM users u`,
      [new Date(this.clock.now().getTime() - DAY_MS)],
    );

    const nodes = this.nodes.list();
    const ready = nodes.filter(isReady).length;
    let cpuTotal = 0;
    let memoryTotal = 0n;
    let podsTotal = 0;
    for (const node of nodes) {
      const allocatable = node.status?.allocatable ?? {};
      cpuTotal += cpuMillicores(allocatable.cpu ?? '0') ?? 0;
      memoryTotal += memoryBytes(allocatable.memory ?? '0') ?? 0n;
      podsTotal += Number(allocatable.pods ?? 0) || 0;
    }
    let cpuUsed = 0;
    let memoryUsed = 0n;
    let podsUsed = 0;
    for (const pod of this.pods.list()) {
      if (!holdsResources(pod)) continue;
      podsUsed++;
      for (const container of pod.spec?.containers ?? []) {
        cpuUsed += cpuMillicores(container.resources?.requests?.cpu ?? '0') ?? 0;
        memoryUsed += memoryBytes(container.resources?.requests?.memory ?? '0') ?? 0n;
      }
    }

    const live = this.sessions.list().filter((s) => !s.metadata.deletionTimestamp);
    const count = (state: string) => live.filter((s) => s.spec.state === state).length;
    return {
      nodes: { total: nodes.length, ready, notReady: nodes.length - ready },
      sessions: {
        total: live.length,
        running: count('running'),
        hibernated: count('hibernated'),
        terminated: count('terminated'),
      },
      resources: {
        cpu: { total: formatCpu(cpuTotal), used: formatCpu(cpuUsed), percent: percent(cpuUsed, cpuTotal) },
        memory: {
          total: memoryTotal.toString(),
          used: memoryUsed.toString(),
          percent: percent(Number(memoryUsed), Number(memoryTotal)),
        },
        pods: { total: podsTotal, used: podsUsed, percent: percent(podsUsed, podsTotal) },
      },
      users,
    };
  }
}
