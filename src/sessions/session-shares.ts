import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { liveConnection } from './live-connection.js';
import type { PermissionLevel } from './share-rules.js';

/** An unexpired share of a session with one user. */
export interface ShareGrant {
  id: string;
  level: PermissionLevel;
}

/**
 * The `session_shares` and `session_invitations` rows as the session rules need them (§3.17):
 * what a user's share grants now, and their removal with the session. Managing them is sharing/.
 * Writes whose rows are read are `WITH … SELECT`: TypeORM answers a bare UPDATE or DELETE …
 * RETURNING with [rows, count].
 */
@Injectable()
export class SessionShares {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The user's share of the session, unless there is none or it has expired: checked on every use. */
  async grantOf(sessionName: string, userId: string): Promise<ShareGrant | undefined> {
    const [row] = await this.db.query<{ id: string; level: PermissionLevel }[]>(
      `SELECT id, permission_level AS level FROM session_shares
        WHERE session_name = $1 AND shared_with_user_id = $2 AND (expires_at IS NULL OR expires_at > $3)`,
      [sessionName, userId, this.clock.now()],
    );
    return row;
  }

  /** A share counts as accepted (a collaborator, §3.3) once its user first connects. */
  async markJoined(shareId: string): Promise<void> {
    await this.db.query(`UPDATE session_shares SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL`, [
      shareId,
      this.clock.now(),
    ]);
  }

  /**
   * Removes one share (by id, or by its user) and closes that user's open connections to the
   * session in the same transaction. Returns the user whose share it was, or undefined if none.
   */
  async revoke(sessionName: string, share: { id: string } | { userId: string }): Promise<string | undefined> {
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const [removed] = await manager.query<{ userId: string }[]>(
        `WITH removed AS (DELETE FROM session_shares
                           WHERE session_name = $1 AND ${'id' in share ? 'id' : 'shared_with_user_id'} = $2
                           RETURNING shared_with_user_id AS "userId")
         SELECT * FROM removed`,
        [sessionName, 'id' in share ? share.id : share.userId],
      );
      if (!removed) return undefined;
      const closed = await manager.query<unknown[]>(
        `WITH closed AS (UPDATE connections SET closed_at = $3, close_reason = 'share_revoked'
                          WHERE session_name = $1 AND user_id = $2 AND closed_at IS NULL RETURNING id)
         SELECT * FROM closed`,
        [sessionName, removed.userId, now],
      );
      // As a disconnect: the last live connection gone starts the disconnect clock (§6.4).
      if (closed.length > 0)
        await manager.query(
          `UPDATE sessions s SET last_disconnect = $2, updated_at = $2 WHERE name = $1
             AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.session_name = s.name AND ${liveConnection('$2')})`,
          [sessionName, now],
        );
      return removed.userId;
    });
  }

  /** Shares and invitations go with their session. */
  async forget(manager: EntityManager, names: string[]): Promise<void> {
    await manager.query(`DELETE FROM session_shares WHERE session_name = ANY($1)`, [names]);
    await manager.query(`DELETE FROM session_invitations WHERE session_name = ANY($1)`, [names]);
  }
}
