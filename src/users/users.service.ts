import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { passwordProblem } from '../common/password-policy.js';
import { hasRole, type Principal, type Role } from '../common/principal.js';
import { PasswordHasher } from './password-hasher.js';
import { PrincipalChanges } from './principal-changes.js';
import { ApiError } from '../common/api-error.js';
import { uniqueViolation } from '../database/postgres-errors.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { listAll } from '../kubernetes/list-pages.js';
import { unlessNotFound } from '../kubernetes/kubernetes-errors.js';
import { UserQuotaEntity } from '../quotas/quota-limit.entity.js';
import { type QuotaLimitsDto, toQuotaColumns } from '../quotas/quota-limits.dto.js';
import type { UserQuotaView } from '../quotas/quota.view.js';
import { QuotaService } from '../quotas/quota.service.js';
import { ALL_USERS_GROUP, GroupEntity, GroupMembershipEntity } from './group.entity.js';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto } from './user.dto.js';
import { UserEntity } from './user.entity.js';
import { toUserView, type UserView } from './user.view.js';
import { isUuid } from '../common/uuid.js';

export interface ActingUser {
  id: string;
  username: string;
  role: Role;
}

export const userNotFound = (key: string) => new ApiError(404, 'User not found', `No user '${key}'`);
const lastAdmin = () => new ApiError(409, 'Last admin', 'The last active admin cannot be deleted, disabled or demoted');

function badPassword(password: string): ApiError | undefined {
  const problem = passwordProblem(password);
  return problem
    ? new ApiError(400, 'Invalid request', problem, { details: [{ field: 'password', message: problem }] })
    : undefined;
}

function assertMayActForOthers(caller: Principal): void {
  if (!hasRole(caller, 'operator'))
    throw new ApiError(403, 'Forbidden', 'Only operators and admins may act for another user');
}

/** Maps the unique indexes of `users` (§9) to the 409s of §3.15. */
function accountConflict(error: unknown): unknown {
  const constraint = uniqueViolation(error);
  if (constraint === 'users_username_key')
    return new ApiError(409, 'User already exists', 'That username is taken (usernames ignore case)');
  if (constraint === 'users_email_key')
    return new ApiError(409, 'Email already in use', 'Another account uses that email address');
  return error;
}

/** Accounts: lookups for identity and the admin routes of api-contract §3.15. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly quotas: QuotaService,
    private readonly k8s: K8sService,
    private readonly principals: PrincipalChanges,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.db.manager.findOneBy(UserEntity, { id });
  }

  /** Exact username (the stored spelling) — how `user` fields and `?user=` name someone (§2.3). */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.db.manager.findOneBy(UserEntity, { username });
  }

  /**
   * Whom a request acts for (§2.3): the caller, unless a `user` field or `?user=` names someone
   * else, which only operators and admins may do, and only for an existing account.
   */
  async actingFor(caller: Principal, requested: string | undefined): Promise<ActingUser> {
    if (requested === undefined || requested === caller.username)
      return { id: caller.id, username: caller.username, role: caller.role };
    assertMayActForOthers(caller);
    const user = await this.findByUsername(requested);
    if (!user) throw new ApiError(400, 'User not found', `No user named '${requested}'`);
    return { id: user.id, username: user.username, role: user.role };
  }

  /** The owner a list is filtered to: like `actingFor`, but an unknown user just matches nothing. */
  listFilterFor(caller: Principal, requested: string | undefined): string | undefined {
    if (requested === undefined || requested === caller.username)
      return hasRole(caller, 'operator') ? requested : caller.username;
    assertMayActForOthers(caller);
    return requested;
  }

  /** `:id` is a UUID, or else a username (§3.15). */
  async get(idOrUsername: string): Promise<UserEntity> {
    const user = isUuid(idOrUsername)
      ? await this.findById(idOrUsername)
      : await this.db.manager
          .createQueryBuilder(UserEntity, 'u')
          .where('lower(u.username) = lower(:name)', { name: idOrUsername })
          .getOne();
    if (!user) throw userNotFound(idOrUsername);
    return user;
  }

  async groupIds(userId: string): Promise<string[]> {
    const rows = await this.db.manager.find(GroupMembershipEntity, { where: { userId }, order: { createdAt: 'ASC' } });
    return rows.map((row) => row.groupId);
  }

  /** User with `groups` and `quota`, as /users/me, refresh and the admin detail show it. */
  async detailedView(user: UserEntity): Promise<UserView> {
    const [groups, quota] = await Promise.all([this.groupIds(user.id), this.quotas.quotaView(user)]);
    return toUserView(user, { groups, quota });
  }

  async list(query: ListUsersQuery): Promise<{ users: UserView[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(UserEntity, 'u');
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(u.username ILIKE :p OR u.email ILIKE :p OR u.full_name ILIKE :p)', { p: pattern });
    }
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.active !== undefined) qb.andWhere('u.active = :active', { active: query.active });
    const [users, total] = await qb.orderBy('u.username', 'ASC').skip(query.offset).take(query.limit).getManyAndCount();
    return { users: users.map((user) => toUserView(user)), total };
  }

  async create(dto: CreateUserDto): Promise<UserView> {
    const refused = badPassword(dto.password);
    if (refused) throw refused;
    const passwordHash = await this.hasher.hash(dto.password);
    try {
      const user = await this.db.transaction(async (manager) => {
        const created = await manager.save(
          manager.create(UserEntity, {
            username: dto.username,
            email: dto.email,
            fullName: dto.fullName ?? '',
            role: dto.role ?? 'user',
            active: dto.active ?? true,
            passwordHash,
          }),
        );
        await this.joinAllUsers(manager, created.id);
        return created;
      });
      return toUserView(await this.get(user.id), { groups: await this.groupIds(user.id) });
    } catch (error) {
      throw accountConflict(error);
    }
  }

  async update(idOrUsername: string, dto: UpdateUserDto): Promise<UserView> {
    const refused = dto.password === undefined ? undefined : badPassword(dto.password);
    if (refused) throw refused;
    const passwordHash = dto.password === undefined ? undefined : await this.hasher.hash(dto.password);
    const target = await this.get(idOrUsername);
    try {
      await this.db.transaction(async (manager) => {
        const user = await this.lockForAdminChange(manager, target.id);
        const staysActiveAdmin = (dto.role ?? user.role) === 'admin' && (dto.active ?? user.active);
        if (user.role === 'admin' && user.active && !staysActiveAdmin)
          await this.ensureAnotherActiveAdmin(manager, user.id);
        await manager.update(UserEntity, user.id, {
          ...(dto.email !== undefined && { email: dto.email }),
          ...(dto.fullName !== undefined && { fullName: dto.fullName }),
          ...(dto.role !== undefined && { role: dto.role }),
          ...(dto.active !== undefined && { active: dto.active }),
          ...(passwordHash !== undefined && { passwordHash }),
          updatedAt: new Date(),
        });
        await this.principals.announce(manager, { userId: user.id });
      });
    } catch (error) {
      throw accountConflict(error);
    }
    return this.detailedView(await this.get(target.id));
  }

  /** Deletes the account and its Session resources (§3.15); the last active admin stays. */
  async delete(idOrUsername: string): Promise<void> {
    const target = await this.get(idOrUsername);
    await this.db.transaction(async (manager) => {
      const user = await this.lockForAdminChange(manager, target.id);
      if (user.role === 'admin' && user.active) await this.ensureAnotherActiveAdmin(manager, user.id);
      // Sessions first: if Kubernetes fails, the account is still there to retry with.
      await this.deleteSessionsOf(user.username);
      await manager.delete(UserEntity, user.id);
      await this.principals.announce(manager, { userId: user.id });
    });
  }

  async setQuota(idOrUsername: string, dto: QuotaLimitsDto): Promise<UserQuotaView> {
    const user = await this.get(idOrUsername);
    const columns = toQuotaColumns(dto);
    await this.db.manager.upsert(UserQuotaEntity, { userId: user.id, ...columns, updatedAt: new Date() }, ['userId']);
    return this.quotas.quotaView(user);
  }

  /** Adds the account to `all-users`, as every new account must be (§2.5). */
  async joinAllUsers(manager: EntityManager, userId: string): Promise<void> {
    const group = await manager.findOneByOrFail(GroupEntity, { name: ALL_USERS_GROUP });
    await manager.upsert(GroupMembershipEntity, { groupId: group.id, userId }, ['groupId', 'userId']);
  }

  /**
   * Row-locks every active admin (and the target), so two concurrent demotions cannot both see
   * "another admin exists" and leave none.
   */
  private async lockForAdminChange(manager: EntityManager, userId: string): Promise<UserEntity> {
    await manager.query(`SELECT id FROM users WHERE (role = 'admin' AND active) OR id = $1 ORDER BY id FOR UPDATE`, [
      userId,
    ]);
    const user = await manager.findOneBy(UserEntity, { id: userId });
    if (!user) throw userNotFound(userId);
    return user;
  }

  private async ensureAnotherActiveAdmin(manager: EntityManager, userId: string): Promise<void> {
    const [{ count }] = await manager.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM users WHERE role = 'admin' AND active AND id <> $1`,
      [userId],
    );
    if (count === 0) throw lastAdmin();
  }

  private async deleteSessionsOf(username: string): Promise<void> {
    const sessions = await listAll((page) =>
      this.k8s.sessions.list({ ...page, fieldSelector: `spec.user=${username}` }),
    );
    for (const session of sessions) await unlessNotFound(this.k8s.sessions.delete(session.metadata.name));
  }
}
