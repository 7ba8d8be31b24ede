import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ActivityRecorder } from '../activity/activity-recorder.js';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { hasRole, type Principal } from '../common/principal.js';
import { isUuid } from '../common/uuid.js';
import { TemplateCache } from '../kubernetes/custom-resource.cache.js';
import { liveConnection } from '../sessions/live-connection.js';
import { SessionChanges } from '../sessions/session-changes.js';
import { SessionShares } from '../sessions/session-shares.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { higherLevel, type PermissionLevel } from '../sessions/share-rules.js';
import type { UserEntity } from '../users/user.entity.js';
import { userNotFound, UsersService } from '../users/users.service.js';
import { looksLikeToken, newToken, sameToken, tokenHash } from './share-tokens.js';
import type { AcceptInvitationDto, CreateInvitationDto, CreateShareDto } from './sharing.dto.js';
import type { CollaboratorView, InvitationView, SharedSessionView, ShareView } from './sharing.view.js';

const shareNotFound = (id: string) => new ApiError(404, 'Share not found', `No share '${id}' of this session`);
const invitationNotFound = () => new ApiError(404, 'Invitation not found', 'No such invitation');
const invitationExpired = () =>
  new ApiError(410, 'Invitation expired', 'This invitation has expired or has been used up');
const forOthersOnly = () => new ApiError(403, 'Forbidden', 'Only operators and admins may act for another user');

/**
 * Shares, invitations, collaborators and "Shared with Me" (api-contract §3.17). Who may do what
 * with a session is SessionsService.access; here only the owner's side (`manage`) and the shared
 * users' reads (`view`) are asked for.
 */
@Injectable()
export class SharingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionsService,
    private readonly shares: SessionShares,
    private readonly users: UsersService,
    private readonly recorder: ActivityRecorder,
    private readonly changes: SessionChanges,
    private readonly templates: TemplateCache,
    private readonly clock: Clock,
  ) {}

  /** Creates the share, or updates that user's existing one (`created` false). */
  async share(
    caller: Principal,
    name: string,
    dto: CreateShareDto,
  ): Promise<{ created: boolean; id: string; shareToken: string }> {
    const { session } = await this.sessions.access(caller, name, 'manage');
    const expiresAt = this.futureTime(dto.expiresAt);
    const target = await this.activeUser(dto.sharedWithUserId);
    if (target.username === session.spec.user)
      throw new ApiError(400, 'Invalid share', 'A session cannot be shared with its owner');
    const owner = await this.users.findByUsername(session.spec.user);
    const token = newToken();
    const [row] = await this.db.query<{ id: string; shareToken: string; created: boolean }[]>(
      `INSERT INTO session_shares AS s
              (session_name, owner_user_id, shared_with_user_id, permission_level, share_token, token_hash, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (session_name, shared_with_user_id)
       DO UPDATE SET permission_level = EXCLUDED.permission_level, expires_at = EXCLUDED.expires_at
       RETURNING s.id, s.share_token AS "shareToken", (s.xmax = 0) AS created`,
      [name, owner?.id ?? null, target.id, dto.permissionLevel, token, tokenHash(token), this.clock.now(), expiresAt],
    );
    return row;
  }

  async list(caller: Principal, name: string): Promise<{ shares: ShareView[] }> {
    await this.sessions.access(caller, name, 'manage');
    const rows = await this.db.query<ShareRow[]>(
      `SELECT sh.id, sh.session_name AS "sessionId", sh.owner_user_id AS "ownerUserId",
              sh.shared_with_user_id AS "sharedWithUserId", sh.permission_level AS "permissionLevel",
              sh.share_token AS "shareToken", sh.created_at AS "createdAt", sh.expires_at AS "expiresAt",
              sh.accepted_at AS "acceptedAt", u.username, u.full_name AS "fullName", u.email
         FROM session_shares sh JOIN users u ON u.id = sh.shared_with_user_id
        WHERE sh.session_name = $1
        ORDER BY sh.created_at DESC, sh.id`,
      [name],
    );
    return { shares: rows.map(toShareView) };
  }

  async revoke(caller: Principal, name: string, shareId: string): Promise<void> {
    const { session } = await this.sessions.access(caller, name, 'manage');
    if (!isUuid(shareId) || !(await this.shares.revoke(name, { id: shareId }))) throw shareNotFound(shareId);
    this.changes.notify(session.spec.user);
  }

  /** DELETE /sessions/:id/collaborators/:userId: the same as revoking that user's share. */
  async removeCollaborator(caller: Principal, name: string, userKey: string): Promise<void> {
    const { session } = await this.sessions.access(caller, name, 'manage');
    const user = await this.userOrUndefined(userKey);
    if (!user || !(await this.shares.revoke(name, { userId: user.id }))) throw shareNotFound(userKey);
    this.changes.notify(session.spec.user);
  }

  async createInvitation(
    caller: Principal,
    name: string,
    dto: CreateInvitationDto,
  ): Promise<{ id: string; invitationToken: string }> {
    await this.sessions.access(caller, name, 'manage');
    const expiresAt = this.futureTime(dto.expiresAt);
    const token = newToken();
    const [row] = await this.db.query<{ id: string }[]>(
      `INSERT INTO session_invitations
              (session_name, created_by, invitation_token, token_hash, permission_level, max_uses, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [name, caller.id, token, tokenHash(token), dto.permissionLevel, dto.maxUses ?? 1, expiresAt, this.clock.now()],
    );
    return { id: row.id, invitationToken: token };
  }

  async invitations(caller: Principal, name: string): Promise<{ invitations: InvitationView[] }> {
    await this.sessions.access(caller, name, 'manage');
    const rows = await this.db.query<InvitationRow[]>(
      `SELECT id, session_name AS "sessionId", created_by AS "createdBy", invitation_token AS "invitationToken",
              permission_level AS "permissionLevel", max_uses AS "maxUses", use_count AS "useCount",
              expires_at AS "expiresAt", created_at AS "createdAt"
         FROM session_invitations WHERE session_name = $1 ORDER BY created_at DESC, id`,
      [name],
    );
    const now = this.clock.now().getTime();
    return {
      invitations: rows.map(({ expiresAt, createdAt, ...row }) => ({
        ...row,
        ...(expiresAt && { expiresAt: new Date(expiresAt).toISOString() }),
        createdAt: new Date(createdAt).toISOString(),
        isExpired: expiresAt !== null && new Date(expiresAt).getTime() <= now,
        isExhausted: row.useCount >= row.maxUses,
      })),
    };
  }

  /** Its creator, operators and admins; to anyone else it does not exist. */
  async revokeInvitation(caller: Principal, token: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const invitation = await this.invitationByToken(manager, token);
      if (!invitation || (invitation.createdBy !== caller.id && !hasRole(caller, 'operator')))
        throw invitationNotFound();
      await manager.query(`DELETE FROM session_invitations WHERE id = $1`, [invitation.id]);
    });
  }

  /**
   * Gives the caller (operators: `userId`) a share at the invitation's level, or raises theirs,
   * and counts a use. The invitation row is locked first, so of concurrent accepts exactly
   * `maxUses` succeed.
   */
  async accept(caller: Principal, token: string, dto: AcceptInvitationDto): Promise<{ sessionId: string }> {
    const user =
      dto.userId !== undefined && hasRole(caller, 'operator')
        ? await this.activeUser(dto.userId)
        : { id: caller.id, username: caller.username };
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const invitation = await this.invitationByToken(manager, token);
      if (!invitation) throw invitationNotFound();
      if (
        (invitation.expiresAt !== null && new Date(invitation.expiresAt) <= now) ||
        invitation.useCount >= invitation.maxUses
      )
        throw invitationExpired();
      const [session] = await manager.query<{ username: string; ownerId: string | null }[]>(
        `SELECT username, user_id AS "ownerId" FROM sessions WHERE name = $1 AND deleted_at IS NULL`,
        [invitation.sessionName],
      );
      if (!session) throw invitationNotFound();
      if (session.username === user.username)
        throw new ApiError(400, 'Invalid share', 'The owner of a session cannot accept an invitation to it');

      await manager.query(`UPDATE session_invitations SET use_count = use_count + 1 WHERE id = $1`, [invitation.id]);
      const [existing] = await manager.query<{ level: PermissionLevel }[]>(
        `SELECT permission_level AS level FROM session_shares
          WHERE session_name = $1 AND shared_with_user_id = $2 FOR UPDATE`,
        [invitation.sessionName, user.id],
      );
      const level = existing ? higherLevel(existing.level, invitation.permissionLevel) : invitation.permissionLevel;
      const shareToken = newToken();
      await manager.query(
        `INSERT INTO session_shares
                (session_name, owner_user_id, shared_with_user_id, permission_level, share_token, token_hash, created_at, accepted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (session_name, shared_with_user_id) DO UPDATE SET
           permission_level = EXCLUDED.permission_level, expires_at = NULL,
           accepted_at = coalesce(session_shares.accepted_at, EXCLUDED.accepted_at)`,
        [invitation.sessionName, session.ownerId, user.id, level, shareToken, tokenHash(shareToken), now],
      );
      return { sessionId: invitation.sessionName };
    });
  }

  /** Accepted, unexpired shares of the session; `isActive` = the user has a live connection. */
  async collaborators(caller: Principal, name: string): Promise<{ collaborators: CollaboratorView[]; total: number }> {
    await this.sessions.access(caller, name, 'view');
    const now = this.clock.now();
    const rows = await this.db.query<CollaboratorRow[]>(
      `SELECT sh.id, sh.session_name AS "sessionId", sh.shared_with_user_id AS "userId",
              sh.permission_level AS "permissionLevel", sh.accepted_at AS "joinedAt",
              greatest(sh.last_activity, live.last_heartbeat, sh.accepted_at) AS "lastActivity",
              live.last_heartbeat IS NOT NULL AS "isActive", u.username, u.full_name AS "fullName"
         FROM session_shares sh
         JOIN users u ON u.id = sh.shared_with_user_id
         LEFT JOIN LATERAL (SELECT max(c.last_heartbeat) AS last_heartbeat FROM connections c
                             WHERE c.session_name = sh.session_name AND c.user_id = sh.shared_with_user_id
                               AND ${liveConnection('$2')}) live ON true
        WHERE sh.session_name = $1 AND sh.accepted_at IS NOT NULL AND (sh.expires_at IS NULL OR sh.expires_at > $2)
        ORDER BY sh.accepted_at, sh.id`,
      [name, now],
    );
    const collaborators = rows.map(({ username, fullName, joinedAt, lastActivity, ...row }) => ({
      ...row,
      joinedAt: new Date(joinedAt).toISOString(),
      lastActivity: new Date(lastActivity).toISOString(),
      user: { username, fullName },
    }));
    return { collaborators, total: collaborators.length };
  }

  /** That collaborator (or an operator for them) records activity: a heartbeat without a connection. */
  async collaboratorActivity(caller: Principal, name: string, userKey: string): Promise<void> {
    const { session } = await this.sessions.access(caller, name, 'view');
    const user = await this.userOrUndefined(userKey);
    if (user?.id !== caller.id && !hasRole(caller, 'operator'))
      throw new ApiError(403, 'Forbidden', 'Only that collaborator may record their activity');
    if (!user) throw userNotFound(userKey);
    if (user.username !== session.spec.user) {
      const updated = await this.db.query<unknown[]>(
        `WITH updated AS (UPDATE session_shares SET last_activity = $3
                           WHERE session_name = $1 AND shared_with_user_id = $2 AND (expires_at IS NULL OR expires_at > $3)
                           RETURNING id)
         SELECT * FROM updated`,
        [name, user.id, this.clock.now()],
      );
      if (updated.length === 0)
        throw new ApiError(404, 'Collaborator not found', `'${userKey}' is not a collaborator of this session`);
    }
    await this.recorder.record(name);
  }

  /** "Shared with Me": unexpired shares of live sessions with that user, newest share first. */
  async sharedWith(caller: Principal, userId: string | undefined): Promise<{ sessions: SharedSessionView[] }> {
    if (userId !== undefined && userId !== caller.id && !hasRole(caller, 'operator')) throw forOthersOnly();
    if (userId !== undefined && !isUuid(userId))
      throw new ApiError(400, 'Invalid request', 'userId: must be a UUID', {
        details: [{ field: 'userId', message: 'must be a UUID' }],
      });
    const rows = await this.db.query<SharedSessionRow[]>(
      `SELECT s.name AS id, s.user_id AS "ownerUserId", s.username AS "ownerUsername", s.template_name AS "templateName",
              s.state, s.created_at AS "createdAt", sh.created_at AS "sharedAt",
              sh.permission_level AS "permissionLevel", s.url
         FROM session_shares sh JOIN sessions s ON s.name = sh.session_name
        WHERE sh.shared_with_user_id = $1 AND s.deleted_at IS NULL AND (sh.expires_at IS NULL OR sh.expires_at > $2)
        ORDER BY sh.created_at DESC, s.name`,
      [userId ?? caller.id, this.clock.now()],
    );
    return {
      sessions: rows.map(({ url, createdAt, sharedAt, ...row }) => ({
        ...row,
        appType: this.templates.get(row.templateName)?.spec.appType ?? 'desktop',
        createdAt: new Date(createdAt).toISOString(),
        sharedAt: new Date(sharedAt).toISOString(),
        isShared: true as const,
        ...(url && { url }),
      })),
    };
  }

  private async invitationByToken(
    manager: DataSource['manager'],
    token: string,
  ): Promise<InvitationRecord | undefined> {
    if (!looksLikeToken(token)) return undefined;
    const [row] = await manager.query<(InvitationRecord & { token: string })[]>(
      `SELECT id, session_name AS "sessionName", created_by AS "createdBy", invitation_token AS token,
              permission_level AS "permissionLevel", max_uses AS "maxUses", use_count AS "useCount", expires_at AS "expiresAt"
         FROM session_invitations WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash(token)],
    );
    return row && sameToken(row.token, token) ? row : undefined;
  }

  /** A UUID or a username naming an active account; otherwise 404 `User not found`. */
  private async activeUser(key: string): Promise<UserEntity> {
    const user = await this.userOrUndefined(key);
    if (!user?.active) throw userNotFound(key);
    return user;
  }

  private async userOrUndefined(key: string): Promise<UserEntity | undefined> {
    return this.users.get(key).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    });
  }

  private futureTime(value: string | undefined): Date | null {
    if (value === undefined) return null;
    const at = new Date(value);
    if (at.getTime() <= this.clock.now().getTime())
      throw new ApiError(400, 'Invalid request', 'expiresAt: must be in the future', {
        details: [{ field: 'expiresAt', message: 'must be in the future' }],
      });
    return at;
  }
}

/** A view as PostgreSQL answers it: the named timestamps as Date (null for optional ones), not ISO text. */
type RowOf<View, Timestamps extends keyof View> = Omit<View, Timestamps> & {
  [K in Timestamps]-?: undefined extends View[K] ? Date | null : Date;
};

type ShareRow = RowOf<Omit<ShareView, 'user'>, 'createdAt' | 'expiresAt' | 'acceptedAt'> &
  Omit<ShareView['user'], 'id'>;

const toShareView = ({ username, fullName, email, createdAt, expiresAt, acceptedAt, ...row }: ShareRow): ShareView => ({
  ...row,
  createdAt: new Date(createdAt).toISOString(),
  ...(expiresAt && { expiresAt: new Date(expiresAt).toISOString() }),
  ...(acceptedAt && { acceptedAt: new Date(acceptedAt).toISOString() }),
  user: { id: row.sharedWithUserId, username, fullName, email },
});

type InvitationRow = RowOf<Omit<InvitationView, 'isExpired' | 'isExhausted'>, 'createdAt' | 'expiresAt'>;

interface InvitationRecord {
  id: string;
  sessionName: string;
  createdBy: string | null;
  permissionLevel: PermissionLevel;
  maxUses: number;
  useCount: number;
  expiresAt: Date | null;
}

type CollaboratorRow = RowOf<Omit<CollaboratorView, 'user'>, 'joinedAt' | 'lastActivity'> & CollaboratorView['user'];

interface SharedSessionRow {
  id: string;
  ownerUserId: string | null;
  ownerUsername: string;
  templateName: string;
  state: SharedSessionView['state'];
  createdAt: Date;
  sharedAt: Date;
  permissionLevel: PermissionLevel;
  url: string;
}
