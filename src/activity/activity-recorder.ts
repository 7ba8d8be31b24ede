import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../kubernetes/kubernetes-errors.js';
import { SessionRecordEntity } from '../sessions/session-record.entity.js';

const STATUS_PATCH_INTERVAL_MS = 60_000;

/**
 * The activity clock (api-contract §6.3): `sessions.last_activity` moves forward at once on every
 * activity; the Session's `status.lastActivity` is merge-patched at most once a minute per session
 * from this replica, so heartbeats from many viewers do not flood the API server.
 */
@Injectable()
export class ActivityRecorder {
  private readonly logger = new Logger(ActivityRecorder.name);
  private readonly lastStatusPatch = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly k8s: K8sService,
    private readonly clock: Clock,
  ) {}

  /** Records activity now and returns the session's activity time. */
  async record(
    name: string,
    extra: { lastConnection?: boolean } = {},
    manager: EntityManager = this.db.manager,
  ): Promise<Date> {
    const now = this.clock.now();
    const result = await manager
      .createQueryBuilder()
      .update(SessionRecordEntity)
      .set({
        lastActivity: () => 'greatest(last_activity, :now)',
        updatedAt: now,
        ...(extra.lastConnection && { lastConnection: now }),
      })
      .where('name = :name', { name })
      .setParameter('now', now)
      .returning('last_activity')
      .execute();
    const [row] = result.raw as { last_activity: Date }[];
    const lastActivity = new Date(row?.last_activity ?? now);
    await this.patchStatusCoalesced(name, lastActivity);
    return lastActivity;
  }

  private async patchStatusCoalesced(name: string, lastActivity: Date): Promise<void> {
    const now = this.clock.now().getTime();
    const previous = this.lastStatusPatch.get(name);
    if (previous !== undefined && now - previous < STATUS_PATCH_INTERVAL_MS) return;
    this.lastStatusPatch.set(name, now);
    try {
      await this.k8s.sessions.patchStatus(name, { lastActivity: lastActivity.toISOString() });
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) this.lastStatusPatch.delete(name);
      else this.logger.warn(`Could not patch status.lastActivity of ${name}: ${(error as Error).message}`);
    }
  }
}
