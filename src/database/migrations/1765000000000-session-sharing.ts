import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session sharing (api-contract §3.17). Rows go with their session: the projection deletes them
 * when the Session resource goes (the row itself stays as history), and the foreign keys cascade
 * should a session row ever be removed. Tokens are looked up by their SHA-256 (`token_hash`) and
 * then compared in constant time; the token itself is kept because the owner's lists show it.
 */
export class SessionSharing1765000000000 implements MigrationInterface {
  name = 'SessionSharing1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE session_shares (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_name        text NOT NULL REFERENCES sessions(name) ON DELETE CASCADE,
        owner_user_id       uuid REFERENCES users(id) ON DELETE CASCADE,
        shared_with_user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        permission_level    text NOT NULL CHECK (permission_level IN ('view','collaborate','control')),
        share_token         text NOT NULL,
        token_hash          text NOT NULL UNIQUE,
        created_at          timestamptz NOT NULL DEFAULT now(),
        expires_at          timestamptz,
        accepted_at         timestamptz,
        last_activity       timestamptz,
        UNIQUE (session_name, shared_with_user_id)
      )`);
    await db.query(`CREATE INDEX session_shares_shared_with_idx ON session_shares (shared_with_user_id)`);
    await db.query(`
      CREATE TABLE session_invitations (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_name     text NOT NULL REFERENCES sessions(name) ON DELETE CASCADE,
        created_by       uuid REFERENCES users(id) ON DELETE CASCADE,
        invitation_token text NOT NULL,
        token_hash       text NOT NULL UNIQUE,
        permission_level text NOT NULL CHECK (permission_level IN ('view','collaborate','control')),
        max_uses         integer NOT NULL CHECK (max_uses BETWEEN 1 AND 100),
        use_count        integer NOT NULL DEFAULT 0 CHECK (use_count BETWEEN 0 AND max_uses),
        expires_at       timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX session_invitations_session_idx ON session_invitations (session_name)`);
    // Revoking a share closes that user's connections to the session.
    await db.query(`ALTER TABLE connections DROP CONSTRAINT connections_close_reason_check`);
    await db.query(`
      ALTER TABLE connections ADD CONSTRAINT connections_close_reason_check
        CHECK (close_reason IN ('client','timeout','session_stopped','session_deleted','share_revoked'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE connections SET close_reason = 'client' WHERE close_reason = 'share_revoked'`);
    await db.query(`ALTER TABLE connections DROP CONSTRAINT connections_close_reason_check`);
    await db.query(`
      ALTER TABLE connections ADD CONSTRAINT connections_close_reason_check
        CHECK (close_reason IN ('client','timeout','session_stopped','session_deleted'))`);
    await db.query(`DROP TABLE session_invitations`);
    await db.query(`DROP TABLE session_shares`);
  }
}
