import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { UserQuotaView } from '../quotas/quota.view.js';
import type { GroupEntity } from './group.entity.js';
import { ROLES, type Role } from '../common/principal.js';
import { type UserEntity } from './user.entity.js';

/** `User` on the wire (api-contract §4.1). Never carries a password hash. */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() email!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ enum: ['local', 'saml', 'oidc'] }) provider!: 'local' | 'saml' | 'oidc';
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastLogin!: string | null;
  @ApiPropertyOptional({ type: [String], description: 'Group ids' }) groups?: string[];
  @ApiPropertyOptional({ description: 'UserQuota (§4.2)' }) quota?: UserQuotaView;
}

export function toUserView(user: UserEntity, extras: { groups?: string[]; quota?: UserQuotaView } = {}): UserView {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    fullName: user.fullName,
    role: user.role,
    provider: user.provider,
    active: user.active,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    lastLogin: user.lastLogin?.toISOString() ?? null,
    ...extras,
  };
}

/** `Group` on the wire (§4.2). */
export class GroupView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['team', 'department', 'project', 'system'] }) type!: GroupEntity['type'];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId!: string | null;
  @ApiProperty() memberCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export function toGroupView(group: GroupEntity, memberCount: number): GroupView {
  return {
    id: group.id,
    name: group.name,
    displayName: group.displayName,
    description: group.description,
    type: group.type,
    parentId: group.parentId,
    memberCount,
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
  };
}
