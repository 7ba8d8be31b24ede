import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { listAll } from '../kubernetes/list-pages.js';
import { unlessNotFound } from '../kubernetes/kubernetes-errors.js';
import { homeVolumeName } from '../kubernetes/names.js';
import { HomeVolumeCache } from '../kubernetes/home-volume.cache.js';
import { USER_LABEL } from '../kubernetes/labels.js';
import { SessionCache } from '../kubernetes/custom-resource.cache.js';
import type { SessionResource, V1PersistentVolumeClaim } from '../kubernetes/resources.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { cpuMillicores, memoryMib } from '../kubernetes/quantities.js';
import { GroupQuotaEntity, QUOTA_LIMIT_KEYS, UserQuotaEntity } from './quota-limit.entity.js';
import {
  composeLimits,
  firstQuotaViolation,
  quotaResource,
  type QuotaDemand,
  type QuotaLimits,
  type QuotaUsage,
} from './quota-rules.js';
import { toQuotaView, type UserQuotaView } from './quota.view.js';

export interface EnabledAccount {
  id: string;
  username: string;
  email: string;
  lastLogin: Date | null;
}

export interface QuotaSubject {
  id: string;
  username: string;
}

export const quotaExceeded = (message: string) =>
  new ApiError(403, 'Quota exceeded', message, { code: 'QUOTA_EXCEEDED' });
const sessionLimitReached = (limit: number) =>
  new ApiError(
    403,
    'Session limit reached',
    `You already have ${limit} sessions (hibernated ones included), the most allowed; delete one first`,
    { code: 'QUOTA_EXCEEDED' },
  );
const quotaUnavailable = () =>
  new ApiError(503, 'Quota check unavailable', 'The quota check could not be completed; try again shortly', {
    retryAfter: 5,
  });

/**
 * Quota limits and usage of a user (api-contract §7). `runWithinQuota` is the one way to start
 * something that consumes quota: check and write happen under the owner's advisory lock.
 */
@Injectable()
export class QuotaService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly k8s: K8sService,
    private readonly sessionCache: SessionCache,
    private readonly homeVolumes: HomeVolumeCache,
    private readonly platformConfig: PlatformConfigService,
    private readonly metrics: MetricsService,
  ) {}

  async limits(userId: string, manager: EntityManager = this.db.manager): Promise<QuotaLimits> {
    const [own, groups] = await Promise.all([
      manager.findOneBy(UserQuotaEntity, { userId }),
      manager
        .createQueryBuilder(GroupQuotaEntity, 'quota')
        .innerJoin('group_memberships', 'membership', 'membership.group_id = quota.group_id')
        .where('membership.user_id = :userId', { userId })
        .getMany(),
    ]);
    return composeLimits(this.platformConfig.quotaDefaults(), own, groups);
  }

  /**
   * Usage from Session resources. `fresh` lists them from the API server (quota checks);
   * otherwise the watch cache answers (display routes), falling back to a list until it syncs.
   */
  async usage(username: string, { fresh }: { fresh: boolean }): Promise<QuotaUsage> {
    const cached = !fresh && this.sessionCache.isSynced && this.homeVolumes.isSynced;
    const [sessions, homeVolume] = await Promise.all([
      cached ? this.cachedRunningSessions(username) : this.listRunningSessions(username),
      cached
        ? this.homeVolumes.get(homeVolumeName(username))
        : unlessNotFound(this.k8s.pvcs.get(this.k8s.namespace, homeVolumeName(username))),
    ]);
    return {
      sessions: sessions.length,
      cpuMillicores: sum(sessions, (s) => requestedOf(s, 'cpu', cpuMillicores)),
      memoryMib: sum(sessions, (s) => requestedOf(s, 'memory', memoryMib)),
      homeVolumeMib: homeVolume ? volumeMib(homeVolume) : undefined,
    };
  }

  /**
   * Effective limits of every enabled account in one query (dashboards): each user's row and the
   * smallest value of each column over their groups, composed like `limits`.
   */
  async limitsOfEnabledUsers(): Promise<(EnabledAccount & { limits: QuotaLimits })[]> {
    const columns = [
      'max_sessions',
      'max_cpu_millicores',
      'max_memory_mib',
      'max_cpu_per_session_millicores',
      'max_memory_per_session_mib',
      'max_storage_mib',
    ];
    const camel = (column: string) => column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const rows = await this.db.query<Record<string, unknown>[]>(
      `SELECT u.id, u.username, u.email, u.last_login AS "lastLogin",
              ${columns.map((c) => `uq.${c} AS "user_${camel(c)}"`).join(', ')},
              ${columns.map((c) => `g.${c} AS "group_${camel(c)}"`).join(', ')}
         FROM users u
         LEFT JOIN user_quotas uq ON uq.user_id = u.id
         LEFT JOIN LATERAL (SELECT ${columns.map((c) => `min(gq.${c}) AS ${c}`).join(', ')}
                              FROM group_quotas gq JOIN group_memberships m ON m.group_id = gq.group_id
                             WHERE m.user_id = u.id) g ON true
        WHERE u.active`,
    );
    const defaults = this.platformConfig.quotaDefaults();
    const pick = (row: Record<string, unknown>, prefix: string) =>
      Object.fromEntries(QUOTA_LIMIT_KEYS.map((key) => [key, row[`${prefix}_${key}`] as number | null]));
    return rows.map((row) => ({
      id: row.id as string,
      username: row.username as string,
      email: row.email as string,
      lastLogin: (row.lastLogin as Date | null) ?? null,
      limits: composeLimits(defaults, pick(row, 'user'), [pick(row, 'group')]),
    }));
  }

  /** Usage of every user with running sessions or a home volume (dashboards), from the watch caches. */
  usageByUser(): Map<string, QuotaUsage> {
    const usage = new Map<string, QuotaUsage>();
    const of = (username: string) => {
      let entry = usage.get(username);
      if (!entry)
        usage.set(username, (entry = { sessions: 0, cpuMillicores: 0, memoryMib: 0, homeVolumeMib: undefined }));
      return entry;
    };
    for (const session of this.sessionCache.list()) {
      if (session.spec.state !== 'running' || session.metadata.deletionTimestamp) continue;
      const entry = of(session.spec.user);
      entry.sessions++;
      entry.cpuMillicores += requestedOf(session, 'cpu', cpuMillicores);
      entry.memoryMib += requestedOf(session, 'memory', memoryMib);
    }
    // Home volumes the server created name their owner in a label (§5.6).
    for (const claim of this.homeVolumes.list()) {
      const username = claim.metadata.labels?.[USER_LABEL];
      if (username) of(username).homeVolumeMib = volumeMib(claim);
    }
    return usage;
  }

  /** The UserQuota of /users/me/quota: real limits, usage from the watch cache. */
  async quotaView(user: QuotaSubject): Promise<UserQuotaView> {
    const [limits, usage] = await Promise.all([this.limits(user.id), this.usage(user.username, { fresh: false })]);
    return toQuotaView(user, limits, usage);
  }

  /**
   * Checks the owner's quota and runs `write` (the Kubernetes write that consumes it, plus its
   * database rows through the given manager) inside one transaction holding the owner's advisory
   * lock, so parallel starts of one user, on any replica, run one at a time (§7.5). Fails closed
   * with 503 when limits or usage cannot be read.
   */
  async runWithinQuota<T>(
    owner: QuotaSubject,
    demand: QuotaDemand,
    write: (manager: EntityManager) => Promise<T>,
    /** Runs first under the lock; a result means "nothing to start any more" (a concurrent wake won). */
    alreadyDone?: () => Promise<T | undefined>,
  ): Promise<T> {
    let writing = false;
    try {
      return await this.db.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
          'streamspace:quota',
          owner.username,
        ]);
        writing = true;
        const done = await alreadyDone?.();
        if (done !== undefined) return done;
        writing = false;
        const [limits, usage, total] = await Promise.all([
          this.limits(owner.id, manager),
          this.usage(owner.username, { fresh: true }),
          demand.newSession ? this.countAllSessions(owner.username) : 0,
        ]);
        const { maxTotalSessions } = this.platformConfig.settings().limits;
        if (total >= maxTotalSessions) {
          this.metrics.quotaRejections.inc({ resource: 'sessions' });
          throw sessionLimitReached(maxTotalSessions);
        }
        const violation = firstQuotaViolation(limits, usage, demand);
        if (violation) {
          this.metrics.quotaRejections.inc({ resource: quotaResource(violation) });
          throw quotaExceeded(violation);
        }
        writing = true;
        return write(manager);
      });
    } catch (error) {
      if (writing || (error instanceof ApiError && error.status === 403)) throw error;
      throw quotaUnavailable();
    }
  }

  /** Session resources of a user in any state (§6.8 `quota.maxTotalSessions`), from the API server. */
  private async countAllSessions(username: string): Promise<number> {
    const sessions = await listAll((page) =>
      this.k8s.sessions.list({ ...page, fieldSelector: `spec.user=${username}` }),
    );
    return sessions.filter((session) => !session.metadata.deletionTimestamp).length;
  }

  private async listRunningSessions(username: string): Promise<SessionResource[]> {
    const sessions = await listAll((page) =>
      this.k8s.sessions.list({ ...page, fieldSelector: `spec.user=${username},spec.state=running` }),
    );
    return sessions.filter((session) => !session.metadata.deletionTimestamp);
  }

  private cachedRunningSessions(username: string): SessionResource[] {
    return this.sessionCache
      .list()
      .filter((s) => s.spec.user === username && s.spec.state === 'running' && !s.metadata.deletionTimestamp);
  }
}

/** requests, falling back to limits, then 0 (§7.3). */
function requestedOf(
  session: SessionResource,
  resource: 'cpu' | 'memory',
  parse: (quantity: string | number) => number | undefined,
): number {
  const value = session.spec.resources?.requests?.[resource] ?? session.spec.resources?.limits?.[resource];
  return value === undefined ? 0 : (parse(value) ?? 0);
}

/** The size a home volume claim requests, in MiB. */
const volumeMib = (claim: V1PersistentVolumeClaim) =>
  memoryMib(String(claim.spec?.resources?.requests?.storage ?? 0)) ?? 0;

const sum = <T>(items: T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);
