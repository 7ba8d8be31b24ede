import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import type { AuditedRoute } from '../common/audit.decorator.js';
import type { Principal } from '../common/principal.js';
import { LeaderElection } from '../database/leader-election.js';
import { AuditEntryEntity, type AuditOutcome } from './audit-entry.entity.js';
import { type AuditPage, type AuditQuery, toAuditEntryView } from './audit.dto.js';

export const AUDIT_RETENTION_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The id the logger gave the request (echoed as X-Request-ID). */
function requestIdOf(request: Request): string {
  const id = (request as Request & { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}

const outcomeOf = (status: number): AuditOutcome => (status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'success');

/** The audit trail (api-contract §3.16): written in the request it describes, read by admins, kept 365 days. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly leader: LeaderElection,
  ) {}

  /**
   * One row for one audited call. `details` holds the names of the body's fields and the error
   * title, never values: bodies carry passwords and cluster objects.
   */
  async record(
    request: Request,
    route: AuditedRoute,
    actor: Principal,
    status: number,
    error?: unknown,
  ): Promise<void> {
    const target = route.target(request);
    const body: unknown = request.body;
    const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
    const details = {
      ...(fields.length > 0 && { fields }),
      ...(error instanceof ApiError && { error: error.error }),
    };
    await this.db.manager.insert(AuditEntryEntity, {
      actorId: actor.id,
      actorUsername: actor.username,
      actorRole: actor.role,
      action: route.action,
      targetKind: target.kind || route.targetKind,
      targetName: target.name,
      targetNamespace: target.namespace ?? null,
      outcome: outcomeOf(status),
      status,
      requestId: requestIdOf(request),
      details: Object.keys(details).length > 0 ? details : null,
    });
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const qb = this.db.manager.createQueryBuilder(AuditEntryEntity, 'a');
    if (query.actor !== undefined) qb.andWhere('a.actor_username = :actor', { actor: query.actor });
    if (query.action !== undefined) {
      if (query.action.endsWith('.'))
        qb.andWhere(`a.action LIKE :prefix ESCAPE '\\'`, { prefix: `${query.action.replace(/[\\%_]/g, '\\$&')}%` });
      else qb.andWhere('a.action = :action', { action: query.action });
    }
    if (query.targetKind !== undefined) qb.andWhere('a.target_kind = :kind', { kind: query.targetKind });
    if (query.targetName !== undefined) qb.andWhere('a.target_name = :name', { name: query.targetName });
    if (query.since !== undefined) qb.andWhere('a.at >= :since', { since: new Date(query.since) });
    if (query.until !== undefined) qb.andWhere('a.at <= :until', { until: new Date(query.until) });
    const [rows, total] = await qb
      .orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .skip((query.page - 1) * query.limit)
      .take(query.limit)
      .getManyAndCount();
    return { entries: rows.map(toAuditEntryView), total, page: query.page, limit: query.limit };
  }

  /** Daily, on the leader only: rows older than 365 days go. */
  @Interval('purge-audit-log', DAY_MS)
  async purgeExpired(): Promise<number> {
    if (!this.leader.isLeader) return 0;
    try {
      const result = await this.db.manager
        .createQueryBuilder()
        .delete()
        .from(AuditEntryEntity)
        .where(`at < now() - make_interval(days => :days)`, { days: AUDIT_RETENTION_DAYS })
        .execute();
      return result.affected ?? 0;
    } catch (error) {
      this.logger.warn(`Could not purge old audit rows: ${(error as Error).message}`);
      return 0;
    }
  }
}
