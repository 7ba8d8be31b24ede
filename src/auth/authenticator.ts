import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { type PrincipalChange, PrincipalChanges } from '../users/principal-changes.js';
import { ApiError } from '../common/api-error.js';
import type { Role } from '../common/principal.js';
import type { Principal } from '../common/principal.js';
import { invalidToken, TokenService } from './token.service.js';

export const accountDisabled = () => new ApiError(403, 'Account disabled', 'This account is disabled');

/** How long a checked token's principal is reused; every change that matters evicts it at once. */
const PRINCIPAL_TTL_MS = 5_000;
const PRINCIPAL_CACHE_SIZE = 50_000;

/**
 * Token → Principal, every check of api-contract §2.2 in order. Used by the HTTP guard and by
 * WebSocket upgrades. A checked token's principal is reused for a few seconds without a database
 * round trip, keyed by the token itself (so the signature need not be checked again either). Every
 * write that changes what a principal says announces it through PrincipalChanges in its
 * transaction, which evicts on this replica at once and on every other one through PostgreSQL
 * notifications when it commits: a change applies on the next request everywhere.
 */
@Injectable()
export class Authenticator implements OnModuleDestroy {
  private readonly cache = new LRUCache<string, Principal>({ max: PRINCIPAL_CACHE_SIZE, ttlAutopurge: false });
  /** Moves on every eviction: a lookup that raced with one does not store what it read. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly tokens: TokenService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly changes: PrincipalChanges,
  ) {
    this.unsubscribe = changes.subscribe((change) => this.evict(change));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The principals `change` names; every one when changes may have been missed. */
  private evict(change: PrincipalChange | undefined): void {
    this.generation++;
    if (!change) return this.cache.clear();
    for (const [token, principal] of this.cache.entries())
      if ('userId' in change ? principal.id === change.userId : principal.tokenId === change.tokenId)
        this.cache.delete(token);
  }

  /** From an `Authorization` header value. */
  authenticateHeader(header: string | undefined): Promise<Principal> {
    if (!header) throw new ApiError(401, 'Authorization header required', 'Send Authorization: Bearer <token>');
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw new ApiError(401, 'Invalid authorization header format', 'Use: Bearer <token>');
    return this.authenticate(match[1]);
  }

  async authenticate(token: string): Promise<Principal> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const generation = this.generation;
    const principal = await this.check(token);
    const ttl = Math.min(PRINCIPAL_TTL_MS, principal.tokenExpiresAt.getTime() - Date.now());
    if (generation === this.generation && this.changes.listening && ttl > 0) this.cache.set(token, principal, { ttl });
    return principal;
  }

  private async check(token: string): Promise<Principal> {
    const verified = await this.tokens.verify(token);
    const [row] = await this.db.query<
      { revoked: boolean; username: string | null; role: Role | null; active: boolean | null }[]
    >(
      `SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $2) AS revoked, u.username, u.role, u.active
         FROM (VALUES (1)) AS one LEFT JOIN users u ON u.id = $1`,
      [verified.userId, verified.jti],
    );
    if (row.revoked) throw new ApiError(401, 'Token revoked', 'This token is no longer valid; log in again');
    if (row.username === null) throw invalidToken('The user for this token no longer exists');
    if (!row.active) throw accountDisabled();
    return {
      id: verified.userId,
      username: row.username,
      role: row.role!,
      tokenId: verified.jti,
      tokenExpiresAt: verified.expiresAt,
    };
  }
}
