import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { hasRole, type Principal } from '../common/principal.js';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { durationSeconds } from '../common/durations.js';
import { connectionNotFound } from '../sessions/connection-parameters.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { liveConnection } from '../sessions/live-connection.js';
import { ConnectionEntity } from '../sessions/connection.entity.js';
import { SessionChanges } from '../sessions/session-changes.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { ActivityRecorder } from './activity-recorder.js';
import type { ActivityStatusView } from './activity-status.view.js';

/** Heartbeats and the activity status of a session (api-contract §3.4, §4.6). */
@Injectable()
export class ActivityService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionsService,
    private readonly recorder: ActivityRecorder,
    private readonly platformConfig: PlatformConfigService,
    private readonly clock: Clock,
    private readonly changes: SessionChanges,
  ) {}

  /**
   * Keeps the connection and the activity clock alive together. A connection the tracker closed
   * for a missed heartbeat is re-opened (a laptop that slept keeps working); other closes stay.
   */
  async heartbeat(caller: Principal, name: string, connectionId: string | undefined) {
    const session = await this.sessions.findVisible(caller, name, 'view');
    if (session.spec.state !== 'running')
      throw new ApiError(
        409,
        'Session not running',
        `The session is ${session.spec.state}; heartbeats are only accepted for running sessions`,
      );
    if (connectionId !== undefined) {
      const refresh = (closed: 'open' | 'timedOut') => {
        const update = this.db.manager
          .createQueryBuilder()
          .update(ConnectionEntity)
          .set({ lastHeartbeat: this.clock.now(), closedAt: null, closeReason: null })
          .where('id = :connectionId AND session_name = :name', { connectionId, name })
          .andWhere(closed === 'open' ? 'closed_at IS NULL' : "close_reason = 'timeout'");
        if (!hasRole(caller, 'operator')) update.andWhere('user_id = :userId', { userId: caller.id });
        return update.execute().then((result) => Boolean(result.affected));
      };
      if (!(await refresh('open'))) {
        if (!(await refresh('timedOut'))) throw connectionNotFound(connectionId, name);
        this.changes.notify(session.spec.user);
      }
    }
    const lastActivity = await this.recorder.heartbeat(name);
    return {
      status: 'ok',
      sessionId: name,
      connectionId: connectionId ?? null,
      lastActivity: lastActivity.toISOString(),
    };
  }

  async status(caller: Principal, name: string): Promise<ActivityStatusView> {
    const session = await this.sessions.findVisible(caller, name, 'view');
    const now = this.clock.now();
    const [row] = await this.db.query<{ lastActivity: Date; startedAt: Date | null; live: number }[]>(
      `SELECT s.last_activity AS "lastActivity", s.started_at AS "startedAt",
              (SELECT count(*)::int FROM connections c WHERE c.session_name = s.name AND ${liveConnection('$2')}) AS "live"
         FROM sessions s WHERE s.name = $1`,
      [name, now],
    );
    const view = await this.sessions.view(session);
    const running = session.spec.state === 'running';
    const autoHibernation = this.platformConfig.settings().session.enableAutoHibernation;
    const lastActivity = new Date(view.lastActivity);
    const live = row?.live ?? 0;
    const hibernateAt =
      running && autoHibernation && live === 0 ? new Date(lastActivity.getTime() + view.idleThreshold * 1000) : null;
    const startedAt = row?.startedAt ? new Date(row.startedAt) : null;
    const maxSeconds = durationSeconds(view.maxSessionDuration);
    const maxDurationAt =
      running && startedAt && maxSeconds !== undefined ? new Date(startedAt.getTime() + maxSeconds * 1000) : null;
    return {
      sessionId: name,
      state: session.spec.state,
      phase: view.status.phase,
      lastActivity: view.lastActivity,
      idleDuration: view.idleDuration,
      idleThreshold: view.idleThreshold,
      isIdle: view.isIdle,
      isActive: view.isActive,
      activeConnections: live,
      autoHibernation,
      shouldHibernate: hibernateAt !== null && hibernateAt.getTime() <= now.getTime(),
      hibernateAt: hibernateAt?.toISOString() ?? null,
      startedAt: startedAt?.toISOString() ?? null,
      maxDurationAt: maxDurationAt?.toISOString() ?? null,
    };
  }
}
