import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { passwordProblem } from '../common/password-policy.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { PrincipalChanges } from '../users/principal-changes.js';
import { newPasswordColumns, UserEntity } from '../users/user.entity.js';
import { toUserView } from '../users/user.view.js';
import { UsersService } from '../users/users.service.js';
import type { LoginResponse } from './auth.dto.js';
import { accountDisabled, Authenticator } from './authenticator.js';
import { LoginThrottle } from './login-throttle.js';
import type { Principal } from '../common/principal.js';
import { RevokedTokenEntity, type RevocationReason } from './revoked-token.entity.js';
import { invalidToken, LOGIN_LIFETIME_SECONDS, TokenService } from './token.service.js';

const invalidCredentials = () => new ApiError(401, 'Invalid credentials', 'Invalid username or password');
/** 400, never 401: the dashboard logs out on any 401 (§3.18). */
const wrongCurrentPassword = () => new ApiError(400, 'Invalid current password', 'The current password is not correct');
const tokenRevoked = () => new ApiError(401, 'Token revoked', 'This token is no longer valid; log in again');

/** Login, refresh (rotating) and logout (api-contract §3.1). */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly authenticator: Authenticator,
    private readonly hasher: PasswordHasher,
    private readonly users: UsersService,
    private readonly throttle: LoginThrottle,
    private readonly principals: PrincipalChanges,
  ) {}

  /**
   * Same answer for unknown user, wrong or missing password and non-local accounts: no
   * enumeration. Only those failures count towards throttling; a right password clears its
   * username and address counter.
   */
  async login(username: string, password: string, clientAddress: string | undefined): Promise<LoginResponse> {
    const attempt = this.throttle.admit(username, clientAddress);
    let user: UserEntity | undefined;
    try {
      user = await this.userWithPassword(username, password);
    } catch (error) {
      attempt.release();
      throw error;
    }
    if (!user) {
      attempt.failed();
      throw invalidCredentials();
    }
    attempt.succeeded();
    if (!user.active) throw accountDisabled();

    await this.db.manager.update(UserEntity, user.id, { lastLogin: new Date() });
    const issued = await this.tokens.issue(user);
    // The response shows the login before this one.
    return {
      token: issued.token,
      expiresAt: issued.expiresAt.toISOString(),
      user: toUserView(user, { groups: await this.users.groupIds(user.id) }),
    };
  }

  /**
   * Self-service password change (§3.18). A wrong current password counts as a failed login for
   * throttling. Success revokes every other token of the user; the caller's stays valid.
   */
  async changePassword(
    caller: Principal,
    currentPassword: string,
    newPassword: string,
    clientAddress: string | undefined,
  ): Promise<void> {
    const problem = passwordProblem(newPassword);
    if (problem)
      throw new ApiError(400, 'Invalid request', problem, { details: [{ field: 'newPassword', message: problem }] });
    const attempt = this.throttle.admit(caller.username, clientAddress);
    let user: UserEntity | undefined;
    try {
      user = await this.userWithPassword(caller.username, currentPassword);
    } catch (error) {
      attempt.release();
      throw error;
    }
    if (user?.id !== caller.id) {
      attempt.failed();
      throw wrongCurrentPassword();
    }
    attempt.succeeded();
    const passwordHash = await this.hasher.hash(newPassword);
    // The new password revokes every earlier token (tokens_valid_after) but the caller's own, on
    // every replica's principal cache too.
    await this.db.transaction(async (manager) => {
      await manager.update(UserEntity, caller.id, {
        ...newPasswordColumns(passwordHash, caller.tokenId),
        updatedAt: new Date(),
      });
      await this.principals.announce(manager, { userId: caller.id });
    });
  }

  /** The local account with this username (any case) and password, if there is one. */
  private async userWithPassword(username: string, password: string): Promise<UserEntity | undefined> {
    const user = await this.db.manager
      .createQueryBuilder(UserEntity, 'u')
      .addSelect('u.passwordHash')
      .where('lower(u.username) = lower(:username)', { username })
      .getOne();
    const usable = user?.provider === 'local' ? user.passwordHash : null;
    return (await this.hasher.matches(password, usable)) && user ? user : undefined;
  }

  /**
   * A valid token buys a new one and is revoked in the same step; a second use gets 401. The new
   * token keeps the original login time, so a stolen token cannot be kept alive forever.
   */
  async refresh(token: string): Promise<LoginResponse> {
    const principal = await this.authenticator.authenticate(token);
    const { loginAt } = await this.tokens.verify(token);
    if (Date.now() - loginAt.getTime() > LOGIN_LIFETIME_SECONDS * 1000)
      throw invalidToken('login expired: a token can be refreshed for 7 days after login; log in again');
    if (!(await this.revoke(principal, 'refresh'))) throw tokenRevoked();
    const user = await this.users.findById(principal.id);
    if (!user) throw tokenRevoked();
    const issued = await this.tokens.issue(user, loginAt);
    return {
      token: issued.token,
      expiresAt: issued.expiresAt.toISOString(),
      user: await this.users.detailedView(user),
    };
  }

  async logout(principal: Principal): Promise<void> {
    await this.revoke(principal, 'logout');
  }

  /** True when this call revoked the token, false when it already was. */
  private async revoke(principal: Principal, reason: RevocationReason): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(RevokedTokenEntity)
        .values({ jti: principal.tokenId, userId: principal.id, reason, expiresAt: principal.tokenExpiresAt })
        .orIgnore()
        .returning('jti')
        .execute();
      await this.principals.announce(manager, { tokenId: principal.tokenId });
      return (result.raw as unknown[]).length > 0;
    });
  }

  /** A revoked token past its own expiry is rejected by `exp` anyway; its row can go. */
  @Interval('purge-revoked-tokens', 60 * 60 * 1000)
  async purgeExpiredRevocations(): Promise<void> {
    try {
      await this.db.manager
        .createQueryBuilder()
        .delete()
        .from(RevokedTokenEntity)
        .where('expires_at < now()')
        .execute();
    } catch (error) {
      this.logger.warn(`Could not purge expired token revocations: ${(error as Error).message}`);
    }
  }
}
