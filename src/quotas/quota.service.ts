import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { homeVolumeName } from '../kubernetes/names.js';
import { SessionCache } from '../kubernetes/resource-caches.js';
import type { SessionResource } from '../kubernetes/resources.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { cpuMillicores, memoryMib } from './quantities.js';
import { GroupQuotaEntity, UserQuotaEntity } from './quota-limit.entity.js';
import { composeLimits, firstQuotaViolation, type QuotaDemand, type QuotaLimits, type QuotaUsage } from './quota-rules.js';
import { toQuotaView, type UserQuotaView } from './quota.view.js';

export interface QuotaSubject {
  id: string;
  username: string;
}

const LIST_PAGE = 500;

export const quotaExceeded = (message: string) => new ApiError(403, 'Quota exceeded', message, { code: 'QUOTA_EXCEEDED' });
const quotaUnavailable = () =>
  new ApiError(503, 'Quota check unavailable', 'The quota check could not be completed; try again shortly', { retryAfter: 5 });

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
    private readonly platformConfig: PlatformConfigService,
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
    const [sessions, homeVolume] = await Promise.all([
      fresh || !this.sessionCache.isSynced ? this.listRunningSessions(username) : this.cachedRunningSessions(username),
      this.k8s.getPersistentVolumeClaim(this.k8s.namespace, homeVolumeName(username)),
    ]);
    const requested = homeVolume?.spec?.resources?.requests?.storage;
    return {
      sessions: sessions.length,
      cpuMillicores: sum(sessions, (s) => requestedOf(s, 'cpu', cpuMillicores)),
      memoryMib: sum(sessions, (s) => requestedOf(s, 'memory', memoryMib)),
      homeVolumeMib: homeVolume ? (memoryMib(String(requested ?? 0)) ?? 0) : undefined,
    };
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
        await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['streamspace:quota', owner.username]);
        writing = true;
        const done = await alreadyDone?.();
        if (done !== undefined) return done;
        writing = false;
        const [limits, usage] = await Promise.all([this.limits(owner.id, manager), this.usage(owner.username, { fresh: true })]);
        const violation = firstQuotaViolation(limits, usage, demand);
        if (violation) throw quotaExceeded(violation);
        writing = true;
        return write(manager);
      });
    } catch (error) {
      if (writing || (error instanceof ApiError && error.status === 403)) throw error;
      throw quotaUnavailable();
    }
  }

  private async listRunningSessions(username: string): Promise<SessionResource[]> {
    const running: SessionResource[] = [];
    let next: string | undefined;
    do {
      const page = await this.k8s.sessions.list({
        fieldSelector: `spec.user=${username},spec.state=running`,
        limit: LIST_PAGE,
        continue: next,
      });
      running.push(...page.items.filter((session) => !session.metadata.deletionTimestamp));
      next = page.continue || undefined;
    } while (next);
    return running;
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

const sum = <T>(items: T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);
