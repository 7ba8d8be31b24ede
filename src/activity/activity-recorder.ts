import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../kubernetes/kubernetes-errors.js';
import { SessionRecordEntity } from '../sessions/session-record.entity.js';

const STATUS_PATCH_INTERVAL_MS = 60_000;
/** How long a heartbeat waits for others to share its write. */
const HEARTBEAT_BATCH_MS = 2;

/**
 * The activity clock (api-contract §6.3): `sessions.last_activity` moves forward at once on every
 * activity; the Session's `status.lastActivity` is merge-patched at most once a minute per session
 * from this replica, off the request path, so heartbeats from many viewers do not flood the API
 * server nor wait for it.
 */
@Injectable()
export class ActivityRecorder {
  private readonly logger = new Logger(ActivityRecorder.name);
  private readonly lastStatusPatch = new Map<string, number>();
  /** Heartbeats waiting for the next batch: session name → callers waiting for its activity time. */
  private pending = new Map<string, { resolve: (at: Date) => void; reject: (error: unknown) => void }[]>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

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
    void this.patchStatusCoalesced(name, lastActivity);
    return lastActivity;
  }

  /**
   * What `record` does, for heartbeats: those arriving within a few milliseconds share one UPDATE
   * (one row per session however many viewers beat at once), one batch at a time.
   */
  heartbeat(name: string): Promise<Date> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(name);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(name, [{ resolve, reject }]);
      this.timer ??= setTimeout(() => void this.flush(), HEARTBEAT_BATCH_MS);
    });
  }

  private async flush(): Promise<void> {
    await this.flushing;
    this.timer = undefined;
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    this.flushing = this.write(batch);
    await this.flushing;
    this.flushing = undefined;
  }

  private async write(batch: Map<string, { resolve: (at: Date) => void; reject: (error: unknown) => void }[]>) {
    const now = this.clock.now();
    try {
      const rows = await this.db.transaction(async (manager) => {
        // The 200 may go out before the commit reaches the disk: a crash can only lose these
        // few milliseconds of heartbeats, which makes an idle clock a few seconds older (the
        // next heartbeat, 30 s later, moves it again). Every other write keeps its durability.
        await manager.query('SET LOCAL synchronous_commit = off');
        return manager.query<{ name: string; last_activity: Date }[]>(
          `UPDATE sessions s SET last_activity = greatest(s.last_activity, $2), updated_at = $2
             FROM unnest($1::text[]) AS beat(name) WHERE s.name = beat.name
           RETURNING s.name, s.last_activity`,
          [[...batch.keys()], now],
        );
      });
      const recorded = new Map(rows.map((row) => [row.name, new Date(row.last_activity)]));
      for (const [name, waiters] of batch) {
        const lastActivity = recorded.get(name) ?? now;
        void this.patchStatusCoalesced(name, lastActivity);
        for (const waiter of waiters) waiter.resolve(lastActivity);
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
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
