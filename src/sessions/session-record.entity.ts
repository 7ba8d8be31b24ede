import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SessionPhase, SessionState } from '../kubernetes/resources.js';

/** A row of `sessions` (api-contract §6.2, §9): projection and history of a Session resource. */
@Entity({ name: 'sessions' })
export class SessionRecordEntity {
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) namespace!: string;
  @Column({ name: 'k8s_uid', type: 'uuid', nullable: true }) k8sUid!: string | null;
  @Column({ type: 'text' }) username!: string;
  @Column({ name: 'user_id', type: 'uuid', nullable: true }) userId!: string | null;
  @Column({ name: 'template_name', type: 'text' }) templateName!: string;
  @Column({ name: 'application_id', type: 'uuid', nullable: true }) applicationId!: string | null;
  @Column({ type: 'text' }) state!: SessionState;
  @Column({ name: 'state_reason', type: 'text', nullable: true }) stateReason!: string | null;
  @Column({ type: 'text', default: 'Pending' }) phase!: SessionPhase;
  @Column({ name: 'status_message', type: 'text', default: '' }) statusMessage!: string;
  @Column({ type: 'text', default: '' }) url!: string;
  @Column({ name: 'pod_name', type: 'text', default: '' }) podName!: string;
  @Column({ type: 'text' }) cpu!: string;
  @Column({ type: 'text' }) memory!: string;
  @Column({ name: 'cpu_millicores', type: 'integer' }) cpuMillicores!: number;
  @Column({ name: 'memory_mib', type: 'integer' }) memoryMib!: number;
  @Column({ name: 'persistent_home', type: 'boolean' }) persistentHome!: boolean;
  @Column({ name: 'idle_timeout', type: 'text' }) idleTimeout!: string;
  @Column({ name: 'max_session_duration', type: 'text' }) maxSessionDuration!: string;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  /** API-owned: only moves forward, never taken from the resource. */
  @Column({ name: 'last_activity', type: 'timestamptz', default: () => 'now()' }) lastActivity!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'last_connection', type: 'timestamptz', nullable: true }) lastConnection!: Date | null;
  @Column({ name: 'last_disconnect', type: 'timestamptz', nullable: true }) lastDisconnect!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true }) deletedAt!: Date | null;
}
