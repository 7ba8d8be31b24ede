import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { disconnectRuleApplies } from '../activity/hibernation-rules.js';
import { Hibernator } from '../activity/hibernator.js';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { HEARTBEAT_TIMEOUT_SECONDS, liveConnection } from '../sessions/live-connection.js';
import { ConnectionEntity } from '../sessions/connection.entity.js';

const HISTORY_DAYS = 90;

/**
 * Every 30 s, on one replica (api-contract §6.4): closes connections that missed their heartbeat,
 * records `last_disconnect` for sessions left without a live connection, and applies the
 * disconnect rule (auto-hibernation after `session.autoHibernateDelay`).
 */
@Injectable()
export class ConnectionTracker implements OnModuleInit {
  private readonly logger = new Logger(ConnectionTracker.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hibernator: Hibernator,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.liveConnections(async () => {
      const [{ live }] = await this.db.query<{ live: number }[]>(
        `SELECT count(*)::int AS live FROM connections c WHERE ${liveConnection('$1')}`,
        [this.clock.now()],
      );
      return live;
    });
  }

  @Interval('connection-tracker', 30_000)
  async scheduledTick(): Promise<void> {
    await this.tick().catch((error: unknown) =>
      this.logger.warn(`Connection tracker tick failed: ${(error as Error).message}`),
    );
  }

  /** One tick; returns what it closed and hibernated (nothing when another replica had the tick). */
  tick(): Promise<{ timedOut: number; hibernated: string[] }> {
    return this.metrics.loop('connections', () => this.runTick());
  }

  private async runTick(): Promise<{ timedOut: number; hibernated: string[] }> {
    const outcome = { timedOut: 0, hibernated: [] as string[] };
    await this.hibernator.exclusively('connection-tracker', async () => {
      const now = this.clock.now();
      const closed = await this.db.manager
        .createQueryBuilder()
        .update(ConnectionEntity)
        .set({ closedAt: now, closeReason: 'timeout' })
        .where(
          `closed_at IS NULL AND last_heartbeat <= :now::timestamptz - interval '${HEARTBEAT_TIMEOUT_SECONDS} seconds'`,
          { now },
        )
        .returning('session_name')
        .execute();
      const rows = closed.raw as { session_name: string }[];
      const sessions = [...new Set(rows.map((row) => row.session_name))];
      outcome.timedOut = rows.length;
      if (sessions.length > 0)
        await this.db.query(
          `UPDATE sessions s SET last_disconnect = $1, updated_at = $1
            WHERE s.name = ANY($2) AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.session_name = s.name AND ${liveConnection('$1')})`,
          [now, sessions],
        );

      const settings = this.hibernator.settings();
      if (!settings.autoHibernation) return;
      const candidates = await this.db.query<{ name: string }[]>(
        `SELECT s.name FROM sessions s
          WHERE s.deleted_at IS NULL AND s.state = 'running'
            AND s.last_disconnect < $1::timestamptz - make_interval(secs => $2)
            AND s.last_activity < $1::timestamptz - make_interval(secs => $2)
            AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.session_name = s.name AND ${liveConnection('$1')})`,
        [now, settings.autoHibernateDelay],
      );
      outcome.hibernated = await this.hibernator.hibernateAll(
        candidates.map((c) => c.name),
        (facts) => (disconnectRuleApplies(facts, settings, this.clock.now()) ? 'disconnected' : undefined),
      );
    });
    return outcome;
  }

  /** Closed connections are history for 90 days (§6.4). */
  @Interval('connection-history-cleanup', 24 * 60 * 60 * 1000)
  async deleteOldHistory(): Promise<void> {
    await this.db
      .query(`DELETE FROM connections WHERE closed_at < $1::timestamptz - make_interval(days => ${HISTORY_DAYS})`, [
        this.clock.now(),
      ])
      .catch((error: unknown) => this.logger.warn(`Connection history cleanup failed: ${(error as Error).message}`));
  }
}
