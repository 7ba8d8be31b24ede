import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pLimit from 'p-limit';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../kubernetes/kubernetes-errors.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { durationSeconds } from '../common/durations.js';
import { liveConnection } from '../sessions/live-connection.js';
import { SessionLifecycle } from '../sessions/session-lifecycle.js';
import type { HibernationFacts, HibernationReason, HibernationSettings } from './hibernation-rules.js';

const MAX_PARALLEL = 10;

/**
 * What the idle monitor and the connection tracker share (api-contract §5.9, §6.5): one replica
 * per tick through a transaction-level advisory lock, and a hibernation that re-checks its rule
 * against the locked row and the Session resource right before acting.
 */
@Injectable()
export class Hibernator {
  private readonly logger = new Logger(Hibernator.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly k8s: K8sService,
    private readonly lifecycle: SessionLifecycle,
    private readonly platformConfig: PlatformConfigService,
    private readonly clock: Clock,
  ) {}

  settings(): HibernationSettings {
    const session = this.platformConfig.settings().session;
    return {
      autoHibernation: session.enableAutoHibernation,
      autoHibernateDelay: durationSeconds(session.autoHibernateDelay) ?? 1800,
    };
  }

  /** Runs `work` only if no other replica is running this job's tick; false when skipped. */
  async exclusively(job: 'idle-monitor' | 'connection-tracker', work: () => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [{ acquired }] = await manager.query<{ acquired: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(hashtext('streamspace'), hashtext($1)) AS acquired`,
        [job],
      );
      if (acquired) await work();
      return acquired;
    });
  }

  /** Hibernates each session whose rule still holds (at most 10 at a time); returns those it hibernated. */
  async hibernateAll(
    names: string[],
    decide: (facts: HibernationFacts) => HibernationReason | undefined,
  ): Promise<string[]> {
    const limit = pLimit(MAX_PARALLEL);
    const results = await Promise.all(names.map((name) => limit(() => this.hibernateIfStillDue(name, decide))));
    return names.filter((_, index) => results[index]);
  }

  private async hibernateIfStillDue(
    name: string,
    decide: (facts: HibernationFacts) => HibernationReason | undefined,
  ): Promise<boolean> {
    try {
      return await this.db.transaction(async (manager) => {
        const [facts] = await manager.query<HibernationFacts[]>(
          `SELECT s.state, s.last_activity AS "lastActivity", s.started_at AS "startedAt", s.last_disconnect AS "lastDisconnect",
                  s.idle_timeout AS "idleTimeout", s.max_session_duration AS "maxSessionDuration",
                  (SELECT count(*)::int FROM connections c WHERE c.session_name = s.name AND ${liveConnection('$2')}) AS "liveConnections"
             FROM sessions s WHERE s.name = $1 AND s.deleted_at IS NULL FOR UPDATE`,
          [name, this.clock.now()],
        );
        const reason = facts && decide(facts);
        if (!reason) return false;
        const resource = await this.k8s.sessions.get(name);
        if (resource.spec.state !== 'running' || resource.metadata.deletionTimestamp) return false;
        await this.lifecycle.stop(name, 'hibernated', reason, manager);
        this.logger.log(`Hibernated ${name} (${reason})`);
        return true;
      });
    } catch (error) {
      if (!(error instanceof KubernetesNotFoundError))
        this.logger.warn(`Could not hibernate ${name}: ${(error as Error).message}`);
      return false;
    }
  }
}
