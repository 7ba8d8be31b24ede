import { Column, Entity, PrimaryColumn } from 'typeorm';

export const GROUP_TYPES = ['team', 'department', 'project', 'system'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];
/** Every account belongs to it; it cannot be deleted (§3.15). */
export const ALL_USERS_GROUP = 'all-users';

@Entity({ name: 'groups' })
export class GroupEntity {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'display_name', type: 'text' }) displayName!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'text', default: 'team' }) type!: GroupType;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

@Entity({ name: 'group_memberships' })
export class GroupMembershipEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' }) groupId!: string;
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ type: 'text', default: 'member' }) role!: 'member' | 'admin' | 'owner';
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
}
