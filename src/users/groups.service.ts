import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { hasRole, type Principal } from '../common/principal.js';
import { ApiError } from '../common/api-error.js';
import { uniqueViolation } from '../database/postgres-errors.js';
import { GroupQuotaEntity } from '../quotas/quota-limit.entity.js';
import { type QuotaLimitsDto, toGroupQuotaView, toQuotaColumns } from '../quotas/quota-limits.dto.js';
import { ALL_USERS_GROUP, GroupEntity, GroupMembershipEntity } from './group.entity.js';
import type { CreateGroupDto, ListGroupsQuery, UpdateGroupDto } from './group.dto.js';
import { UserEntity } from './user.entity.js';
import { toGroupView, type GroupView } from './user.view.js';
import { UsersService } from './users.service.js';
import { isUuid } from '../common/uuid.js';

const groupNotFound = (id: string) => new ApiError(404, 'Group not found', `No group '${id}'`);
const protectedGroup = (action: string) =>
  new ApiError(409, 'Protected group', `Every account belongs to ${ALL_USERS_GROUP}; it cannot be ${action}`);

export interface GroupMember {
  userId: string;
  username: string;
  fullName: string;
  email: string;
  membershipRole: string;
  joinedAt: string;
}

/** Groups and memberships (§3.2 list, §3.15 administration). */
@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
  ) {}

  /** Operators and admins see every group, users only their own; ordered by name in code-point order. */
  async list(caller: Principal, query: ListGroupsQuery): Promise<{ groups: GroupView[]; total: number }> {
    const qb = this.db.manager
      .createQueryBuilder(GroupEntity, 'g')
      .addSelect('(SELECT count(*) FROM group_memberships m WHERE m.group_id = g.id)::int', 'member_count')
      .orderBy('g.name COLLATE "C"');
    if (!hasRole(caller, 'operator'))
      qb.andWhere('g.id IN (SELECT group_id FROM group_memberships WHERE user_id = :me)', { me: caller.id });
    if (query.type !== undefined) qb.andWhere('g.type = :type', { type: query.type });
    if (query.parentId !== undefined) qb.andWhere('g.parent_id = :parentId', { parentId: query.parentId });
    const { entities, raw } = await qb.getRawAndEntities<{ member_count: number }>();
    const groups = entities.map((group, index) => toGroupView(group, raw[index].member_count));
    return { groups, total: groups.length };
  }

  async get(id: string): Promise<GroupView & { members: GroupMember[] }> {
    const group = await this.find(id);
    const rows = await this.db.manager
      .createQueryBuilder(GroupMembershipEntity, 'm')
      .innerJoin(UserEntity, 'u', 'u.id = m.user_id')
      .select(['u.id AS "userId"', 'u.username AS username', 'u.full_name AS "fullName"', 'u.email AS email'])
      .addSelect(['m.role AS "membershipRole"', 'm.created_at AS "joinedAt"'])
      .where('m.group_id = :id', { id: group.id })
      .orderBy('u.username', 'ASC')
      .getRawMany<Omit<GroupMember, 'joinedAt'> & { joinedAt: Date }>();
    const members = rows.map((row) => ({ ...row, joinedAt: new Date(row.joinedAt).toISOString() }));
    return { ...toGroupView(group, members.length), members };
  }

  async create(dto: CreateGroupDto): Promise<GroupView> {
    if (dto.parentId) await this.find(dto.parentId, (id) => parentNotFound(id));
    const group = await this.save(() =>
      this.db.manager.save(
        this.db.manager.create(GroupEntity, {
          name: dto.name,
          displayName: dto.displayName ?? dto.name,
          description: dto.description ?? '',
          type: dto.type ?? 'team',
          parentId: dto.parentId ?? null,
        }),
      ),
    );
    return toGroupView(await this.find(group.id), 0);
  }

  async update(id: string, dto: UpdateGroupDto): Promise<GroupView> {
    const group = await this.find(id);
    if (group.name === ALL_USERS_GROUP && dto.name !== undefined && dto.name !== group.name)
      throw protectedGroup('renamed');
    if (dto.parentId) await this.checkParent(group.id, dto.parentId);
    await this.save(() =>
      this.db.manager.update(GroupEntity, group.id, {
        ...(dto.name !== undefined && { name: dto.name }),
        ...(dto.displayName !== undefined && { displayName: dto.displayName }),
        ...(dto.description !== undefined && { description: dto.description }),
        ...(dto.type !== undefined && { type: dto.type }),
        ...(dto.parentId !== undefined && { parentId: dto.parentId }),
        updatedAt: new Date(),
      }),
    );
    const updated = await this.find(group.id);
    return toGroupView(updated, await this.db.manager.countBy(GroupMembershipEntity, { groupId: group.id }));
  }

  async delete(id: string): Promise<void> {
    const group = await this.find(id);
    if (group.name === ALL_USERS_GROUP) throw protectedGroup('deleted');
    await this.db.manager.delete(GroupEntity, group.id);
  }

  async addMember(id: string, userKey: string): Promise<void> {
    const [group, user] = await Promise.all([this.find(id), this.users.get(userKey)]);
    await this.db.manager.upsert(GroupMembershipEntity, { groupId: group.id, userId: user.id }, ['groupId', 'userId']);
  }

  async removeMember(id: string, userKey: string): Promise<void> {
    const [group, user] = await Promise.all([this.find(id), this.users.get(userKey)]);
    if (group.name === ALL_USERS_GROUP) throw protectedGroup('left');
    await this.db.manager.delete(GroupMembershipEntity, { groupId: group.id, userId: user.id });
  }

  async setQuota(id: string, dto: QuotaLimitsDto): Promise<ReturnType<typeof toGroupQuotaView>> {
    const group = await this.find(id);
    await this.db.manager.upsert(
      GroupQuotaEntity,
      { groupId: group.id, ...toQuotaColumns(dto), updatedAt: new Date() },
      ['groupId'],
    );
    return toGroupQuotaView(group.id, await this.db.manager.findOneBy(GroupQuotaEntity, { groupId: group.id }));
  }

  private async find(
    id: string,
    notFound = groupNotFound,
    manager: EntityManager = this.db.manager,
  ): Promise<GroupEntity> {
    const group = isUuid(id) ? await manager.findOneBy(GroupEntity, { id }) : null;
    if (!group) throw notFound(id);
    return group;
  }

  /** A parent must exist and must not be the group itself or one of its descendants. */
  private async checkParent(groupId: string, parentId: string): Promise<void> {
    for (let current: string | null = parentId; current !== null;) {
      if (current === groupId)
        throw new ApiError(400, 'Invalid request', 'parentId: a group cannot be its own ancestor');
      current = (await this.find(current, parentNotFound)).parentId;
    }
  }

  private async save<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (uniqueViolation(error) === 'groups_name_key')
        throw new ApiError(409, 'Group already exists', 'Another group has that name');
      throw error;
    }
  }
}

const parentNotFound = (id: string) => new ApiError(400, 'Group not found', `parentId: no group '${id}'`);
