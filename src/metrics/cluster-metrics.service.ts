import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { NodeCache } from '../kubernetes/node.cache.js';
import { PodCache } from '../kubernetes/pod.cache.js';
import { SessionCache } from '../kubernetes/custom-resource.cache.js';
import { formatCpu } from '../kubernetes/quantities.js';
import { clusterCapacity, percentOf } from '../kubernetes/cluster-capacity.js';

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

    const { nodes, readyNodes, allocatable, requested } = clusterCapacity(this.nodes.list(), this.pods.list());

    const live = this.sessions.list().filter((s) => !s.metadata.deletionTimestamp);
    const count = (state: string) => live.filter((s) => s.spec.state === state).length;
    return {
      nodes: { total: nodes, ready: readyNodes, notReady: nodes - readyNodes },
      sessions: {
        total: live.length,
        running: count('running'),
        hibernated: count('hibernated'),
        terminated: count('terminated'),
      },
      resources: {
        cpu: {
          total: formatCpu(allocatable.millicores),
          used: formatCpu(requested.millicores),
          percent: percentOf(requested.millicores, allocatable.millicores),
        },
        memory: {
          total: allocatable.memoryBytes.toString(),
          used: requested.memoryBytes.toString(),
          percent: percentOf(requested.memoryBytes, allocatable.memoryBytes),
        },
        pods: { total: allocatable.pods, used: requested.pods, percent: percentOf(requested.pods, allocatable.pods) },
      },
      users,
    };
  }
}
