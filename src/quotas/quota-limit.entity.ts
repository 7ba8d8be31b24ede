import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Limit columns shared by user and group rows; NULL = "no value here" (§7.2). */
abstract class QuotaLimitColumns {
  @Column({ name: 'max_sessions', type: 'integer', nullable: true }) maxSessions!: number | null;
  @Column({ name: 'max_cpu_millicores', type: 'integer', nullable: true }) maxCpuMillicores!: number | null;
  @Column({ name: 'max_memory_mib', type: 'integer', nullable: true }) maxMemoryMib!: number | null;
  @Column({ name: 'max_cpu_per_session_millicores', type: 'integer', nullable: true })
  maxCpuPerSessionMillicores!: number | null;
  @Column({ name: 'max_memory_per_session_mib', type: 'integer', nullable: true }) maxMemoryPerSessionMib!:
    number | null;
  @Column({ name: 'max_storage_mib', type: 'integer', nullable: true }) maxStorageMib!: number | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

export type QuotaLimitValues = Pick<
  QuotaLimitColumns,
  | 'maxSessions'
  | 'maxCpuMillicores'
  | 'maxMemoryMib'
  | 'maxCpuPerSessionMillicores'
  | 'maxMemoryPerSessionMib'
  | 'maxStorageMib'
>;
export const QUOTA_LIMIT_KEYS = [
  'maxSessions',
  'maxCpuMillicores',
  'maxMemoryMib',
  'maxCpuPerSessionMillicores',
  'maxMemoryPerSessionMib',
  'maxStorageMib',
] as const satisfies readonly (keyof QuotaLimitValues)[];

@Entity({ name: 'user_quotas' })
export class UserQuotaEntity extends QuotaLimitColumns {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
}

@Entity({ name: 'group_quotas' })
export class GroupQuotaEntity extends QuotaLimitColumns {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' }) groupId!: string;
}
