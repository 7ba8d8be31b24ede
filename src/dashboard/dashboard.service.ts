import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../common/principal.js';
import { Clock } from '../common/clock.js';
import { TemplateCache } from '../kubernetes/custom-resource.cache.js';
import { formatCpu, formatMemory, formatStorage } from '../kubernetes/quantities.js';
import type { QuotaUsage } from '../quotas/quota-rules.js';
import { QuotaService } from '../quotas/quota.service.js';
import { liveConnection } from '../sessions/live-connection.js';

const NO_USAGE: QuotaUsage = { sessions: 0, cpuMillicores: 0, memoryMib: 0, homeVolumeMib: undefined };
const DAY_MS = 24 * 3600 * 1000;

interface StateCounts {
  total: number;
  running: number;
  hibernated: number;
  terminated: number;
}

/**
 * The dashboards of api-contract §3.11: aggregates in SQL over `sessions`, `connections` and
 * `users`, usage from the Session watch cache, limits from one composed query — never a query or
 * a Kubernetes request per user or per session.
 */
@Injectable()
export class DashboardService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly quotas: QuotaService,
    private readonly templates: TemplateCache,
    private readonly clock: Clock,
  ) {}

  async me(caller: Principal) {
    const now = this.clock.now();
    const [sessions, [{ connections }], quota] = await Promise.all([
      this.stateCounts(caller.username),
      this.db.query<{ connections: number }[]>(
        `SELECT count(*)::int AS connections FROM connections WHERE user_id = $1 AND connected_at > $2`,
        [caller.id, new Date(now.getTime() - DAY_MS)],
      ),
      this.quotas.quotaView(caller),
    ]);
    return { sessions, quota, recentActivity: { connections24h: connections }, timestamp: now.toISOString() };
  }

  async platform() {
    const now = this.clock.now();
    const since = new Date(now.getTime() - DAY_MS);
    const [[figures], sessions] = await Promise.all([
      this.db.query<Record<string, number>[]>(
        `SELECT (SELECT count(*)::int FROM users) AS "usersTotal",
                (SELECT count(*)::int FROM users WHERE active) AS "usersEnabled",
                (SELECT count(*)::int FROM users u WHERE u.last_login > $1
                    OR EXISTS (SELECT 1 FROM connections c WHERE c.user_id = u.id AND c.connected_at > $1)) AS "usersActive",
                (SELECT count(*)::int FROM connections c WHERE ${liveConnection('$2')}) AS "connectionsActive",
                (SELECT count(*)::int FROM sessions WHERE created_at > $1) AS "sessionsCreated",
                (SELECT count(*)::int FROM connections WHERE connected_at > $1) AS "connections24h"`,
        [since, now],
      ),
      this.stateCounts(undefined),
    ]);
    return {
      users: { total: figures.usersTotal, enabled: figures.usersEnabled, active: figures.usersActive },
      sessions,
      templates: { total: this.templates.size },
      connections: { active: figures.connectionsActive },
      activity24h: { sessionsCreated: figures.sessionsCreated, connections: figures.connections24h },
      timestamp: now.toISOString(),
    };
  }

  async resources() {
    const accounts = await this.quotas.limitsOfEnabledUsers();
    const usage = this.quotas.usageByUser();
    const used = [...usage.values()];
    const sum = <T>(items: T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);
    const ids = new Map(accounts.map((account) => [account.username, account.id]));
    const topConsumers = [...usage.entries()]
      .filter(([, u]) => u.sessions > 0)
      .sort(([, a], [, b]) => b.cpuMillicores - a.cpuMillicores || b.memoryMib - a.memoryMib)
      .slice(0, 10)
      .map(([username, u]) => ({
        userId: ids.get(username) ?? null,
        username,
        sessions: u.sessions,
        cpuUsage: formatCpu(u.cpuMillicores),
        memoryUsage: formatMemory(u.memoryMib),
      }));
    return {
      aggregate: {
        usedSessions: sum(used, (u) => u.sessions),
        maxSessions: sum(accounts, (a) => a.limits.maxSessions),
        usedCpu: formatCpu(sum(used, (u) => u.cpuMillicores)),
        maxCpu: formatCpu(sum(accounts, (a) => a.limits.maxCpuMillicores)),
        usedMemory: formatMemory(sum(used, (u) => u.memoryMib)),
        maxMemory: formatMemory(sum(accounts, (a) => a.limits.maxMemoryMib)),
        usedStorage: formatStorage(sum(used, (u) => u.homeVolumeMib ?? 0)),
        maxStorage: formatStorage(sum(accounts, (a) => a.limits.maxStorageMib)),
      },
      topConsumers,
      timestamp: this.clock.now().toISOString(),
    };
  }

  async users(limit: number, offset: number) {
    const accounts = await this.quotas.limitsOfEnabledUsers();
    const usage = this.quotas.usageByUser();
    const rows = accounts
      .map((account) => ({ account, used: usage.get(account.username) ?? NO_USAGE }))
      .sort(
        (a, b) =>
          b.used.sessions - a.used.sessions ||
          (a.account.username < b.account.username ? -1 : a.account.username > b.account.username ? 1 : 0),
      );
    const users = rows.slice(offset, offset + limit).map(({ account, used }) => ({
      userId: account.id,
      username: account.username,
      email: account.email,
      usedSessions: used.sessions,
      maxSessions: account.limits.maxSessions,
      usedCpu: formatCpu(used.cpuMillicores),
      maxCpu: formatCpu(account.limits.maxCpuMillicores),
      usedMemory: formatMemory(used.memoryMib),
      maxMemory: formatMemory(account.limits.maxMemoryMib),
      usedStorage: formatStorage(used.homeVolumeMib ?? 0),
      maxStorage: formatStorage(account.limits.maxStorageMib),
      lastLogin: account.lastLogin ? new Date(account.lastLogin).toISOString() : null,
    }));
    return { users, total: rows.length, limit, offset };
  }

  async topTemplates() {
    const templates = await this.db.query<{ templateName: string; sessionCount: number; runningCount: number }[]>(
      `SELECT template_name AS "templateName", count(*)::int AS "sessionCount",
              count(*) FILTER (WHERE state = 'running' AND deleted_at IS NULL)::int AS "runningCount"
         FROM sessions GROUP BY template_name ORDER BY count(*) DESC, template_name COLLATE "C" LIMIT 20`,
    );
    return { templates, timestamp: this.clock.now().toISOString() };
  }

  /** One entry per UTC day, zero days included, newest first. */
  async timeline(days: number) {
    const now = this.clock.now();
    const perDay = (table: 'sessions' | 'connections', column: string) =>
      this.db.query<{ date: string; count: number }[]>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS date, count(t.*)::int AS count
           FROM generate_series(($1::timestamptz AT TIME ZONE 'UTC')::date - ($2::int - 1), ($1::timestamptz AT TIME ZONE 'UTC')::date, interval '1 day') AS day
           LEFT JOIN ${table} t ON (t.${column} AT TIME ZONE 'UTC')::date = day::date
          GROUP BY day ORDER BY day DESC`,
        [now, days],
      );
    const [sessions, connections] = await Promise.all([
      perDay('sessions', 'created_at'),
      perDay('connections', 'connected_at'),
    ]);
    return { sessions, connections, days, timestamp: now.toISOString() };
  }

  /** Non-deleted sessions by desired state, of one owner or of everyone. */
  private async stateCounts(owner: string | undefined): Promise<StateCounts> {
    const [counts] = await this.db.query<StateCounts[]>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE state = 'running')::int AS running,
              count(*) FILTER (WHERE state = 'hibernated')::int AS hibernated,
              count(*) FILTER (WHERE state = 'terminated')::int AS terminated
         FROM sessions WHERE deleted_at IS NULL AND ($1::text IS NULL OR username = $1)`,
      [owner ?? null],
    );
    return counts;
  }
}
