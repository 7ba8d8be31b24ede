import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LeaderElection } from '../database/leader-election.js';
import { APPLICATION_LABEL } from '../kubernetes/labels.js';
import { SessionCache } from '../kubernetes/custom-resource.cache.js';
import type { SessionResource } from '../kubernetes/resources.js';
import { cpuMillicores, memoryMib } from '../kubernetes/quantities.js';
import { Clock } from '../common/clock.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { isUuid } from '../common/uuid.js';

/**
 * Mirrors Session resources into the `sessions` table (api-contract §6.2) on the leader: spec
 * copies, phase, url, pod name and uid on every change; `deleted_at` and closed connections on
 * deletion (and shares go, §3.17). API-owned columns (activity, connections, started_at) are never taken from the
 * resource, except that a change to `running` made elsewhere (kubectl) restarts the clock.
 */
@Injectable()
export class SessionProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionProjection.name);
  private readonly unsubscribe: (() => void)[] = [];
  /** Serialises writes, so events for one session land in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cache: SessionCache,
    private readonly leader: LeaderElection,
    private readonly lifecycle: SessionLifecycle,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe.push(
      this.cache.subscribe((event) => {
        if (!this.leader.isLeader) return;
        if (event.type === 'deleted') this.enqueue(() => this.lifecycle.markDeleted([event.object.metadata.name]));
        else this.enqueue(() => this.upsert(event.object));
      }),
      this.leader.onChange((leader) => {
        if (leader) void this.cache.ready.then(() => this.enqueue(() => this.resync()));
      }),
    );
  }

  onApplicationShutdown(): void {
    for (const stop of this.unsubscribe) stop();
  }

  /** Every cached Session upserted; rows of sessions that no longer exist marked deleted. */
  async resync(): Promise<void> {
    const sessions = this.cache.list();
    for (const session of sessions) await this.upsert(session);
    const live = sessions.map((s) => s.metadata.name);
    const gone = await this.db.query<{ name: string }[]>(
      `SELECT name FROM sessions WHERE deleted_at IS NULL AND NOT (name = ANY($1))`,
      [live],
    );
    await this.lifecycle.markDeleted(gone.map((row) => row.name));
  }

  /** Settles once every queued write is done (tests wait on it). */
  idle(): Promise<unknown> {
    return this.queue;
  }

  private enqueue(write: () => Promise<unknown>): void {
    this.queue = this.queue
      .then(write)
      .catch((error: unknown) => this.logger.warn(`Session projection failed: ${(error as Error).message}`));
  }

  private async upsert(session: SessionResource): Promise<void> {
    const { spec, metadata, status } = session;
    const requested = { ...spec.resources?.limits, ...spec.resources?.requests };
    const values = {
      name: metadata.name,
      namespace: metadata.namespace,
      k8s_uid: isUuid(metadata.uid) ? metadata.uid : null,
      username: spec.user,
      template_name: spec.template,
      state: spec.state,
      phase: status?.phase ?? 'Pending',
      status_message: status?.message ?? '',
      url: status?.url ?? '',
      pod_name: status?.podName ?? '',
      cpu: String(requested.cpu ?? ''),
      memory: String(requested.memory ?? ''),
      cpu_millicores: cpuMillicores(requested.cpu ?? 0) ?? 0,
      memory_mib: memoryMib(requested.memory ?? 0) ?? 0,
      persistent_home: spec.persistentHome ?? true,
      idle_timeout: spec.idleTimeout ?? '30m',
      max_session_duration: spec.maxSessionDuration ?? '8h',
      tags: spec.tags ?? [],
      created_at: new Date(String(metadata.creationTimestamp ?? this.clock.now().toISOString())),
    };
    const columns = Object.keys(values);
    const placeholders = columns.map((_, index) => `$${index + 1}`);
    const updates = columns.filter((column) => !['name', 'namespace', 'username', 'created_at'].includes(column));
    await this.db.query(
      `INSERT INTO sessions AS s (${columns.join(', ')}, user_id, application_id, last_activity, started_at)
       VALUES (${placeholders.join(', ')}, (SELECT id FROM users WHERE username = $4),
               (SELECT id FROM installed_applications WHERE id::text = $${columns.length + 1}), $${columns.length + 2},
               CASE WHEN $6 = 'running' THEN $${columns.length + 2}::timestamptz END)
       ON CONFLICT (name) DO UPDATE SET
         ${updates.map((column) => `${column} = EXCLUDED.${column}`).join(', ')},
         application_id = EXCLUDED.application_id, deleted_at = NULL, updated_at = EXCLUDED.last_activity,
         started_at = CASE WHEN s.state <> 'running' AND EXCLUDED.state = 'running' THEN EXCLUDED.last_activity ELSE s.started_at END,
         last_activity = CASE WHEN s.state <> 'running' AND EXCLUDED.state = 'running'
                              THEN greatest(s.last_activity, EXCLUDED.last_activity) ELSE s.last_activity END`,
      [...Object.values(values), metadata.labels?.[APPLICATION_LABEL] ?? '', this.clock.now()],
    );
  }
}
