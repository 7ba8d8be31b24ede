import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../common/principal.js';

export type AuditOutcome = 'success' | 'refused' | 'failed';

@Entity({ name: 'audit_log' })
export class AuditEntryEntity {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' }) id!: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at!: Date;
  /** No foreign key: the trail outlives deleted accounts. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId!: string | null;
  @Column({ name: 'actor_username', type: 'text' }) actorUsername!: string;
  @Column({ name: 'actor_role', type: 'text' }) actorRole!: Role;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'target_kind', type: 'text' }) targetKind!: string;
  @Column({ name: 'target_name', type: 'text' }) targetName!: string;
  @Column({ name: 'target_namespace', type: 'text', nullable: true }) targetNamespace!: string | null;
  @Column({ type: 'text' }) outcome!: AuditOutcome;
  @Column({ type: 'integer' }) status!: number;
  @Column({ name: 'request_id', type: 'text' }) requestId!: string;
  @Column({ type: 'jsonb', nullable: true }) details!: Record<string, unknown> | null;
}
