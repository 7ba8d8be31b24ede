import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ActivityRecorder } from '../activity/activity-recorder.js';
import { hasRole, type Principal } from '../common/principal.js';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { liveConnection } from '../sessions/live-connection.js';
import { SessionChanges } from '../sessions/session-changes.js';
import { SessionLifecycle } from '../sessions/session-lifecycle.js';
import { SessionShares } from '../sessions/session-shares.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { UsersService } from '../users/users.service.js';
import { connectionNotFound } from '../sessions/connection-parameters.js';
import type { ConnectionView, ConnectResponse } from './connection.view.js';

export interface ClientInfo {
  ip: string | undefined;
  userAgent: string;
}

/** Connect, disconnect and the live connection list of a session (api-contract §3.3, §6.4). */
@Injectable()
export class ConnectionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionsService,
    private readonly lifecycle: SessionLifecycle,
    private readonly users: UsersService,
    private readonly activity: ActivityRecorder,
    private readonly clock: Clock,
    private readonly changes: SessionChanges,
    private readonly shares: SessionShares,
    private readonly platformConfig: PlatformConfigService,
  ) {}

  /** Wakes a hibernated session (synchronously, idempotently, under the quota lock), then records a connection. */
  async connect(
    caller: Principal,
    name: string,
    requestedUser: string | undefined,
    client: ClientInfo,
  ): Promise<ConnectResponse> {
    const access = await this.sessions.access(caller, name, 'view');
    let session = access.session;
    const connectionUser = await this.users.actingFor(caller, requestedUser);
    if (session.spec.state === 'terminated')
      throw new ApiError(409, 'Session terminated', 'Set the session to running before connecting');
    if (session.spec.state === 'running' && session.status?.phase === 'Failed')
      throw new ApiError(409, 'Session failed', session.status.message ?? '');
    const limit = this.platformConfig.settings().limits.connectionsPerSession;
    // Checked before a wake too, so a refused connect changes nothing.
    await this.refuseOverLimit(this.db.manager, name, limit);
    // Of concurrent connects to a hibernated session only the one that woke it says so (§3.3).
    let wokeIt = false;
    if (session.spec.state === 'hibernated')
      ({ session, started: wokeIt } = await this.lifecycle.start(session, 'connect'));

    const connection = await this.db.transaction(async (manager) => {
      // The session's lock makes the count exact under parallel connects, on any replica.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
        'streamspace:connections',
        name,
      ]);
      await this.refuseOverLimit(manager, name, limit);
      const [row] = await manager.query<{ id: string }[]>(
        `INSERT INTO connections (session_name, user_id, client_ip, user_agent, connected_at, last_heartbeat)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
        [name, connectionUser.id, client.ip ?? null, client.userAgent.slice(0, 1024), this.clock.now()],
      );
      return row;
    });
    await this.activity.record(name, { lastConnection: true });
    if (access.share) await this.shares.markJoined(access.share.id);
    this.changes.notify(session.spec.user);

    const url = session.status?.url ?? '';
    const [ready, message] = wokeIt
      ? [false, 'Connection established. Session is waking from hibernation - please wait.']
      : session.status?.phase !== 'Running'
        ? [false, 'Connection established. Session is starting up - please wait.']
        : !url
          ? [false, 'Connection established. Waiting for session endpoint - please wait.']
          : [true, 'Connection established.'];
    return { connectionId: connection.id, sessionUrl: url, state: session.spec.state, ready, message };
  }

  /** `limits.connectionsPerSession` (§6.8): 409 once the session has that many live connections. */
  private async refuseOverLimit(manager: EntityManager, name: string, limit: number): Promise<void> {
    const [{ live }] = await manager.query<{ live: number }[]>(
      `SELECT count(*)::int AS live FROM connections c WHERE c.session_name = $1 AND ${liveConnection('$2')}`,
      [name, this.clock.now()],
    );
    if (live >= limit)
      throw new ApiError(
        409,
        'Too many connections',
        `Session '${name}' already has ${live} open connections, the most allowed; disconnect one first`,
      );
  }

  /** Closes one connection of this session (idempotent); the caller's own unless operator/admin. */
  async disconnect(
    caller: Principal,
    name: string,
    connectionId: string,
  ): Promise<{ message: string; activeConnections: number }> {
    const session = await this.sessions.findVisible(caller, name, 'view');
    const now = this.clock.now();
    const result = await this.db.transaction(async (manager) => {
      const [connection] = await manager.query<{ userId: string }[]>(
        `SELECT user_id AS "userId" FROM connections WHERE id = $1 AND session_name = $2 FOR UPDATE`,
        [connectionId, name],
      );
      if (!connection || (connection.userId !== caller.id && !hasRole(caller, 'operator')))
        throw connectionNotFound(connectionId, name);
      await manager.query(
        `UPDATE connections SET closed_at = $2, close_reason = 'client' WHERE id = $1 AND closed_at IS NULL`,
        [connectionId, now],
      );
      const [{ live }] = await manager.query<{ live: number }[]>(
        `SELECT count(*)::int AS live FROM connections c WHERE c.session_name = $1 AND ${liveConnection('$2')}`,
        [name, now],
      );
      if (live === 0)
        await manager.query(`UPDATE sessions SET last_disconnect = $2, updated_at = $2 WHERE name = $1`, [name, now]);
      return { message: 'Connection closed', activeConnections: live };
    });
    this.changes.notify(session.spec.user);
    return result;
  }

  /** Live connections, oldest first (§6.4). */
  async list(
    caller: Principal,
    name: string,
  ): Promise<{ sessionId: string; connections: ConnectionView[]; total: number }> {
    await this.sessions.findVisible(caller, name, 'view');
    const rows = await this.db.query<
      (Omit<ConnectionView, 'connectedAt' | 'lastHeartbeat'> & { connectedAt: Date; lastHeartbeat: Date })[]
    >(
      `SELECT c.id, c.session_name AS "sessionId", c.user_id AS "userId", coalesce(u.username, '') AS username,
              host(c.client_ip) AS "clientIp", c.user_agent AS "userAgent", c.connected_at AS "connectedAt",
              c.last_heartbeat AS "lastHeartbeat"
         FROM connections c LEFT JOIN users u ON u.id = c.user_id
        WHERE c.session_name = $1 AND ${liveConnection('$2')}
        ORDER BY c.connected_at, c.id`,
      [name, this.clock.now()],
    );
    const connections = rows.map((row) => ({
      ...row,
      connectedAt: new Date(row.connectedAt).toISOString(),
      lastHeartbeat: new Date(row.lastHeartbeat).toISOString(),
    }));
    return { sessionId: name, connections, total: connections.length };
  }
}
