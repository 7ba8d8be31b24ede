import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail of api-contract §3.16: one row per mutation by an operator or admin. */
export class AuditLog1765100000001 implements MigrationInterface {
  name = 'AuditLog1765100000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_log (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at               timestamptz NOT NULL DEFAULT now(),
        actor_id         uuid,
        actor_username   text NOT NULL,
        actor_role       text NOT NULL,
        action           text NOT NULL,
        target_kind      text NOT NULL,
        target_name      text NOT NULL,
        target_namespace text,
        outcome          text NOT NULL CHECK (outcome IN ('success','refused','failed')),
        status           integer NOT NULL,
        request_id       text NOT NULL,
        details          jsonb
      )`);
    await db.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC)`);
    await db.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_username, at DESC)`);
    await db.query(`CREATE INDEX audit_log_action_idx ON audit_log (action text_pattern_ops)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_log`);
  }
}
