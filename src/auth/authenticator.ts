import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import type { Role } from '../common/principal.js';
import type { Principal } from '../common/principal.js';
import { invalidToken, TokenService } from './token.service.js';

export const accountDisabled = () => new ApiError(403, 'Account disabled', 'This account is disabled');

/**
 * Token → Principal, every check of api-contract §2.2 in order. Used by the HTTP guard and by
 * WebSocket upgrades. No cache: one round trip reads the revocation and the user row, so a
 * demotion, deactivation or logout applies on the next request on every replica.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** From an `Authorization` header value. */
  authenticateHeader(header: string | undefined): Promise<Principal> {
    if (!header) throw new ApiError(401, 'Authorization header required', 'Send Authorization: Bearer <token>');
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw new ApiError(401, 'Invalid authorization header format', 'Use: Bearer <token>');
    return this.authenticate(match[1]);
  }

  async authenticate(token: string): Promise<Principal> {
    const verified = await this.tokens.verify(token);
    // Revoked one by one (logout, refresh) or all at once by a password change (tokens_valid_after).
    const [row] = await this.db.query<
      { revoked: boolean; username: string | null; role: Role | null; active: boolean | null }[]
    >(
      `SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $2)
              OR (u.tokens_valid_after > $3 AND u.kept_token_id IS DISTINCT FROM $2) AS revoked,
              u.username, u.role, u.active
         FROM (VALUES (1)) AS one LEFT JOIN users u ON u.id = $1`,
      [verified.userId, verified.jti, verified.issuedAt],
    );
    if (row.revoked === true) throw new ApiError(401, 'Token revoked', 'This token is no longer valid; log in again');
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
