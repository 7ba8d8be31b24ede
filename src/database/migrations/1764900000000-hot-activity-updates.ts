import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Heartbeats rewrite `sessions.last_activity` and `connections.last_heartbeat` all day. An update
 * that touches no indexed column and finds room on its page is HOT: no index is written. So the
 * index on `last_heartbeat` goes (the connection tracker scans the few open connections through
 * `connections_open_session_idx` instead), and both tables leave room on each page for new row
 * versions.
 */
export class HotActivityUpdates1764900000000 implements MigrationInterface {
  name = 'HotActivityUpdates1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX connections_open_heartbeat_idx`);
    await db.query(`ALTER TABLE sessions SET (fillfactor = 80)`);
    await db.query(`ALTER TABLE connections SET (fillfactor = 80)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE connections RESET (fillfactor)`);
    await db.query(`ALTER TABLE sessions RESET (fillfactor)`);
    await db.query(
      `CREATE INDEX connections_open_heartbeat_idx ON connections (last_heartbeat) WHERE closed_at IS NULL`,
    );
  }
}
