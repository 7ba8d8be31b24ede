import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-user token cut-off (issue 16): a password change or reset revokes every token issued
 * before it, without knowing their ids. `kept_token_id` is the one token a self-service change
 * may keep (the caller's own).
 */
export class TokenValidity1765100000000 implements MigrationInterface {
  name = 'TokenValidity1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz, ADD COLUMN kept_token_id text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN tokens_valid_after, DROP COLUMN kept_token_id`);
  }
}
