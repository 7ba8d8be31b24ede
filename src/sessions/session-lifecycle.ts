import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { STATE_REASON_ANNOTATION } from '../kubernetes/labels.js';
import type { SessionResource } from '../kubernetes/resources.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { cpuMillicores, memoryMib } from '../kubernetes/quantities.js';
import { QuotaService } from '../quotas/quota.service.js';
import { UsersService } from '../users/users.service.js';
import { type ConnectionCloseReason } from './connection.entity.js';
import { SessionRecordEntity } from './session-record.entity.js';
import { SessionShares } from './session-shares.js';

/** Why `spec.state` last changed (§5.2); the reconciler words it into `status.message`. */
export type StateReason = 'user' | 'admin' | 'connect' | 'idle' | 'disconnected' | 'maxDuration';
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

/**
 * Every change of a session's `spec.state` (api-contract §6.1) goes through here, whoever asks:
 * REST, connect's auto-wake, the idle monitor, the connection tracker. Starting is quota-checked
 * under the owner's lock and idempotent; stopping closes the session's open connections.
 */
@Injectable()
export class SessionLifecycle {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly k8s: K8sService,
    private readonly quotas: QuotaService,
    private readonly users: UsersService,
    private readonly platformConfig: PlatformConfigService,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly shares: SessionShares,
  ) {}

  /**
   * To `running`. The resource is re-read under the owner's lock, so of two concurrent wakes only
   * the first writes; `started` tells whether this call did.
   */
  async start(session: SessionResource, reason: StateReason): Promise<{ session: SessionResource; started: boolean }> {
    const account = await this.users.findByUsername(session.spec.user);
    const owner = { id: account?.id ?? NO_ACCOUNT, username: session.spec.user };
    const requested = { ...session.spec.resources?.limits, ...session.spec.resources?.requests };
    const demand = {
      cpuMillicores: cpuMillicores(requested.cpu ?? 0) ?? 0,
      memoryMib: memoryMib(requested.memory ?? 0) ?? 0,
      homeVolumeMib:
        session.spec.persistentHome === false ? undefined : this.platformConfig.settings().storage.homeSizeMib,
    };
    const name = session.metadata.name;
    return this.quotas.runWithinQuota<{ session: SessionResource; started: boolean }>(
      owner,
      demand,
      async (manager) => {
        const started = await this.patchState(name, 'running', reason);
        await this.recordState(manager, name, 'running', reason);
        this.metrics.sessionStarting(name);
        return { session: started, started: true };
      },
      async () => {
        const fresh = await this.k8s.sessions.get(name);
        return fresh.spec.state === 'running' ? { session: fresh, started: false } : undefined;
      },
    );
  }

  /** To `hibernated` or `terminated`; the session's open connections are closed. */
  async stop(
    name: string,
    state: 'hibernated' | 'terminated',
    reason: StateReason,
    manager: EntityManager = this.db.manager,
  ): Promise<SessionResource> {
    const stopped = await this.patchState(name, state, reason);
    await this.recordState(manager, name, state, reason);
    if (state === 'hibernated') this.metrics.hibernations.inc({ reason });
    await this.closeConnections(manager, [name], 'session_stopped');
    return stopped;
  }

  /**
   * Sessions whose resource is gone or going (REST delete, the projection's deletion events): the
   * row stays as history and is never listed again; connections close; shares and invitations go.
   */
  async markDeleted(names: string[]): Promise<void> {
    if (names.length === 0) return;
    const now = this.clock.now();
    await this.db.transaction(async (manager) => {
      await manager.query(
        `UPDATE sessions SET deleted_at = $2, updated_at = $2 WHERE name = ANY($1) AND deleted_at IS NULL`,
        [names, now],
      );
      await this.closeConnections(manager, names, 'session_deleted');
      await this.shares.forget(manager, names);
    });
  }

  async closeConnections(manager: EntityManager, names: string[], reason: ConnectionCloseReason): Promise<void> {
    await manager.query(
      `UPDATE connections SET closed_at = $3, close_reason = $2 WHERE session_name = ANY($1) AND closed_at IS NULL`,
      [names, reason, this.clock.now()],
    );
  }

  private patchState(
    name: string,
    state: SessionResource['spec']['state'],
    reason: StateReason,
  ): Promise<SessionResource> {
    return this.k8s.sessions.patch(name, {
      spec: { state },
      metadata: { annotations: { [STATE_REASON_ANNOTATION]: reason } },
    });
  }

  /** A change to running restarts the activity clock, so a woken session is not re-hibernated at once (§6.3). */
  private async recordState(
    manager: EntityManager,
    name: string,
    state: SessionResource['spec']['state'],
    reason: StateReason,
  ) {
    const now = this.clock.now();
    await manager
      .createQueryBuilder()
      .update(SessionRecordEntity)
      .set({
        state,
        stateReason: reason,
        updatedAt: now,
        ...(state === 'running' && { startedAt: now, lastActivity: now }),
      })
      .where('name = :name', { name })
      .execute();
  }
}
