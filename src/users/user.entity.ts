import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../common/principal.js';

@Entity({ name: 'users' })
export class UserEntity {
  // The database generates it (gen_random_uuid); a TypeORM 'uuid' strategy would want the uuid-ossp extension PGlite lacks.
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' }) id!: string;
  @Column({ type: 'text' }) username!: string;
  @Column({ type: 'text' }) email!: string;
  @Column({ name: 'full_name', type: 'text', default: '' }) fullName!: string;
  @Column({ type: 'text', default: 'user' }) role!: Role;
  @Column({ type: 'text', default: 'local' }) provider!: 'local' | 'saml' | 'oidc';
  @Column({ type: 'boolean', default: true }) active!: boolean;
  /** bcrypt; null = cannot log in. Never leaves the server. */
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false }) passwordHash!: string | null;
  /** Tokens issued before this are revoked (password change or reset), except `keptTokenId`. */
  @Column({ name: 'tokens_valid_after', type: 'timestamptz', nullable: true, select: false })
  tokensValidAfter!: Date | null;
  @Column({ name: 'kept_token_id', type: 'text', nullable: true, select: false }) keptTokenId!: string | null;
  @Column({ name: 'last_login', type: 'timestamptz', nullable: true }) lastLogin!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

/**
 * The columns a new password writes: the hash, and the cut-off that revokes every token issued
 * before it (§2.2, issue 16). `keepTokenId` spares one token, e.g. the caller's own on a
 * self-service change.
 */
export function newPasswordColumns(
  passwordHash: string,
  keepTokenId: string | null = null,
): Pick<UserEntity, 'passwordHash' | 'tokensValidAfter' | 'keptTokenId'> {
  return { passwordHash, tokensValidAfter: new Date(), keptTokenId: keepTokenId };
}
