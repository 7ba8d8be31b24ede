import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RevocationReason = 'logout' | 'refresh' | 'admin';

@Entity({ name: 'revoked_tokens' })
export class RevokedTokenEntity {
  @PrimaryColumn({ type: 'text' }) jti!: string;
  @Column({ name: 'user_id', type: 'uuid', nullable: true }) userId!: string | null;
  @Column({ type: 'text' }) reason!: RevocationReason;
  @Column({ name: 'revoked_at', type: 'timestamptz', default: () => 'now()' }) revokedAt!: Date;
  /** The token's own `exp`: after it the row is useless and gets purged. */
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
}
