import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AppConfig } from '../config/app-config.js';
import { liveConnection } from '../sessions/live-connection.js';
import { durationSql, idleMonitorReason } from './hibernation-rules.js';
import { Hibernator } from './hibernator.js';

const JOB = 'idle-monitor';

/**
 * Every IDLE_CHECK_INTERVAL, on one replica (api-contract §6.5): hibernates running sessions idle
 * past their own idleTimeout with no live connection (reason `idle`), and sessions past their
 * maxSessionDuration even while connected (reason `maxDuration`).
 */
@Injectable()
export class IdleMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdleMonitor.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hibernator: Hibernator,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () =>
      void this.tick().catch((error: unknown) =>
        this.logger.warn(`Idle monitor tick failed: ${(error as Error).message}`),
      );
    this.scheduler.addInterval(JOB, setInterval(tick, this.config.idleCheckIntervalSeconds * 1000));
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
  }

  /** One tick; returns the sessions it hibernated ([] when another replica had the tick). */
  tick(): Promise<string[]> {
    return this.metrics.loop('idle', () => this.runTick());
  }

  private async runTick(): Promise<string[]> {
    let hibernated: string[] = [];
    await this.hibernator.exclusively(JOB, async () => {
      const settings = this.hibernator.settings();
      const now = this.clock.now();
      const candidates = await this.db.query<{ name: string }[]>(
        `SELECT s.name FROM sessions s
          WHERE s.deleted_at IS NULL AND s.state = 'running'
            AND (s.started_at < $1::timestamptz - make_interval(secs => ${durationSql('s.max_session_duration')})
                 OR ($2 AND s.last_activity < $1::timestamptz - make_interval(secs => ${durationSql('s.idle_timeout')})
                     AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.session_name = s.name AND ${liveConnection('$1')})))`,
        [now, settings.autoHibernation],
      );
      hibernated = await this.hibernator.hibernateAll(
        candidates.map((c) => c.name),
        (facts) => idleMonitorReason(facts, settings, this.clock.now()),
      );
    });
    return hibernated;
  }
}
