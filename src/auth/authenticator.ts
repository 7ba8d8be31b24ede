import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { type PrincipalChange, PrincipalChanges } from '../users/principal-changes.js';
import { ApiError } from '../common/api-error.js';
import type { Role } from '../common/principal.js';
import type { Principal } from '../common/principal.js';
import { invalidToken, TokenService, type VerifiedToken } from './token.service.js';

interface AccountState {
  revoked: boolean;
  username: string | null;
  role: Role | null;
  active: boolean | null;
}

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
    const [row] = await this.db.query<AccountState[]>(
      `SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $2) AS revoked, u.username, u.role, u.active
         FROM (VALUES (1)) AS one LEFT JOIN users u ON u.id = $1`,
      [verified.userId, verified.jti],
    );
    return principalOf(verified, row);
  }

  /**
   * `authenticate` for many tokens at once with two queries in all, not one per token (the
   * WebSocket ping round, §8.2): each distinct token's Principal, or the error `authenticate`
   * would throw for it. A database failure rejects the whole call.
   */
  async authenticateAll(tokens: Iterable<string>): Promise<Map<string, Principal | Error>> {
    const results = new Map<string, Principal | Error>();
    const verified = new Map<string, VerifiedToken>();
    await Promise.all(
      [...new Set(tokens)].map(async (token) => {
        try {
          verified.set(token, await this.tokens.verify(token));
        } catch (error) {
          results.set(token, error as Error);
        }
      }),
    );
    if (verified.size === 0) return results;
    const claims = [...verified.values()];
    const [users, revoked] = await Promise.all([
      this.db.query<{ id: string; username: string; role: Role; active: boolean }[]>(
        'SELECT id, username, role, active FROM users WHERE id = ANY($1::uuid[])',
        [[...new Set(claims.map((claim) => claim.userId))]],
      ),
      this.db.query<{ jti: string }[]>('SELECT jti FROM revoked_tokens WHERE jti = ANY($1::text[])', [
        claims.map((claim) => claim.jti),
      ]),
    ]);
    const usersById = new Map(users.map((user) => [user.id, user]));
    const revokedIds = new Set(revoked.map((row) => row.jti));
    for (const [token, claim] of verified) {
      const user = usersById.get(claim.userId);
      try {
        results.set(
          token,
          principalOf(claim, {
            revoked: revokedIds.has(claim.jti),
            username: user?.username ?? null,
            role: user?.role ?? null,
            active: user?.active ?? null,
          }),
        );
      } catch (error) {
        results.set(token, error as Error);
      }
    }
    return results;
  }
}

/** The §2.2 checks after the signature: revocation, the user still there, the account active. */
function principalOf(verified: VerifiedToken, account: AccountState): Principal {
  if (account.revoked) throw new ApiError(401, 'Token revoked', 'This token is no longer valid; log in again');
  if (account.username === null) throw invalidToken('The user for this token no longer exists');
  if (!account.active) throw accountDisabled();
  return {
    id: verified.userId,
    username: account.username,
    role: account.role!,
    tokenId: verified.jti,
    tokenExpiresAt: verified.expiresAt,
  };
}
