import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ConnectionCloseReason = 'client' | 'timeout' | 'session_stopped' | 'session_deleted' | 'share_revoked';

/**
 * A row of `connections` (§4.5, §6.4). Owned here with `sessions`: the lifecycle closes a
 * session's connections in the same transaction that stops or deletes it; connect, heartbeats and
 * the tracker (connections/, activity/) build on that.
 */
@Entity({ name: 'connections' })
export class ConnectionEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'session_name', type: 'text' }) sessionName!: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ name: 'client_ip', type: 'inet', nullable: true }) clientIp!: string | null;
  @Column({ name: 'user_agent', type: 'text', default: '' }) userAgent!: string;
  @Column({ name: 'connected_at', type: 'timestamptz', default: () => 'now()' }) connectedAt!: Date;
  @Column({ name: 'last_heartbeat', type: 'timestamptz', default: () => 'now()' }) lastHeartbeat!: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @Column({ name: 'close_reason', type: 'text', nullable: true }) closeReason!: ConnectionCloseReason | null;
}
