import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { validateBody } from '../common/validation.js';
import { AppConfig } from '../config/app-config.js';
import { uniqueViolation } from '../database/postgres-errors.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { EMAIL } from '../users/user.dto.js';
import { UserEntity } from '../users/user.entity.js';
import { SetupDto } from './auth.dto.js';
import { passwordProblem } from '../common/password-policy.js';

const BOOTSTRAP_ADMIN = 'admin';

export interface SetupStatus {
  setupRequired: boolean;
  adminExists: boolean;
  hasPassword: boolean;
  message: string;
}

/** The wizard shows `error` and `hint`, so each refusal carries its full sentence there (§3.1). */
const refusal = (status: number, sentence: string, hint?: string) =>
  new ApiError(status, sentence, sentence, hint === undefined ? {} : { hint });
export const setupBodyRefused = () => refusal(400, 'Invalid request format');

/**
 * How the bootstrap `admin` gets its first password (§2.5): ADMIN_PASSWORD_RESET at every start,
 * ADMIN_PASSWORD while it has none, or the one-shot setup wizard.
 */
@Injectable()
export class SetupService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SetupService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminPasswordReset, adminPassword } = this.config;
    if (adminPasswordReset !== undefined) {
      const changed = await this.setAdminPassword(adminPasswordReset, { onlyIfUnset: false });
      this.logger.warn(
        changed
          ? 'ADMIN_PASSWORD_RESET applied to the admin account; unset it once you have logged in'
          : 'ADMIN_PASSWORD_RESET is set but there is no admin account',
      );
    } else if (adminPassword !== undefined) {
      // Hashing costs ~100 ms of start-up; once the admin has a password it would be thrown away.
      if ((await this.status()).hasPassword) return;
      if (await this.setAdminPassword(adminPassword, { onlyIfUnset: true }))
        this.logger.log('Admin password set from ADMIN_PASSWORD');
    } else if ((await this.status()).setupRequired) {
      this.logger.warn(
        'The admin account has no password: finish setup at POST /api/v1/auth/setup or set ADMIN_PASSWORD',
      );
    }
  }

  async status(): Promise<SetupStatus> {
    const [admin] = await this.db.query<{ hasPassword: boolean }[]>(
      `SELECT password_hash IS NOT NULL AS "hasPassword" FROM users WHERE username = $1`,
      [BOOTSTRAP_ADMIN],
    );
    const adminExists = admin !== undefined;
    const hasPassword = admin?.hasPassword ?? false;
    const setupRequired = adminExists && !hasPassword;
    const message = setupRequired
      ? 'Setup wizard is available - admin account needs password configuration'
      : !adminExists
        ? 'Setup wizard unavailable - admin user not created yet (check database migration)'
        : 'Setup wizard disabled - admin account is already configured';
    return { setupRequired, adminExists, hasPassword, message };
  }

  /** Checks in the contract's order; only the first request to reach the UPDATE wins. */
  async setup(body: unknown): Promise<{ message: string; username: string; email: string }> {
    const state = await this.status();
    if (!state.adminExists)
      throw refusal(
        403,
        'Setup wizard is not available - admin user not created yet',
        'Check database migration logs for errors',
      );
    if (state.hasPassword)
      throw refusal(
        403,
        'Setup wizard is disabled - admin account is already configured',
        'Use the login page or password reset mechanism instead',
      );
    const dto = validateBody(SetupDto, body, setupBodyRefused);
    if (dto.password !== dto.passwordConfirm) throw refusal(400, 'Passwords do not match');
    const weak = passwordProblem(dto.password);
    if (weak) throw refusal(400, weak);
    if (dto.email.length > 254) throw refusal(400, 'email must be 254 characters or less (RFC 5321 limit)');
    if (!EMAIL.test(dto.email)) throw refusal(400, 'invalid email format');

    const passwordHash = await this.hasher.hash(dto.password);
    let updated: boolean;
    try {
      updated = await this.updateAdmin({ passwordHash, email: dto.email }, { onlyIfUnset: true });
    } catch (error) {
      if (uniqueViolation(error) === 'users_email_key') throw refusal(409, 'Email already in use by another account');
      throw error;
    }
    if (!updated)
      throw refusal(
        409,
        'Admin account was already configured by another request',
        'Setup wizard is now disabled - use the login page',
      );
    this.logger.log('Admin account configured through the setup wizard');
    return {
      message: 'Admin account configured successfully - setup wizard is now disabled',
      username: BOOTSTRAP_ADMIN,
      email: dto.email,
    };
  }

  private async setAdminPassword(password: string, options: { onlyIfUnset: boolean }): Promise<boolean> {
    return this.updateAdmin({ passwordHash: await this.hasher.hash(password) }, options);
  }

  /** One UPDATE, so of two racing writers only one can match `password_hash IS NULL`. True when it changed the row. */
  private async updateAdmin(values: Partial<UserEntity>, { onlyIfUnset }: { onlyIfUnset: boolean }): Promise<boolean> {
    const update = this.db.manager
      .createQueryBuilder()
      .update(UserEntity)
      .set({ ...values, updatedAt: new Date() })
      .where('username = :username', { username: BOOTSTRAP_ADMIN });
    if (onlyIfUnset) update.andWhere('password_hash IS NULL');
    return ((await update.execute()).affected ?? 0) > 0;
  }
}
