import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema of api-contract §9 and its seed data: group `all-users` and the `admin` account
 * (no password yet: ADMIN_PASSWORD, ADMIN_PASSWORD_RESET or the setup wizard sets it, §2.5).
 */
const QUOTA_COLUMNS = `
  max_sessions                   integer CHECK (max_sessions >= 0),
  max_cpu_millicores             integer CHECK (max_cpu_millicores >= 0),
  max_memory_mib                 integer CHECK (max_memory_mib >= 0),
  max_cpu_per_session_millicores integer CHECK (max_cpu_per_session_millicores >= 0),
  max_memory_per_session_mib     integer CHECK (max_memory_per_session_mib >= 0),
  max_storage_mib                integer CHECK (max_storage_mib >= 0),
  created_at                     timestamptz NOT NULL DEFAULT now(),
  updated_at                     timestamptz NOT NULL DEFAULT now()`;

export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$'),
        email         text NOT NULL,
        full_name     text NOT NULL DEFAULT '',
        role          text NOT NULL DEFAULT 'user'  CHECK (role IN ('user','operator','admin')),
        provider      text NOT NULL DEFAULT 'local' CHECK (provider IN ('local','saml','oidc')),
        active        boolean NOT NULL DEFAULT true,
        password_hash text,
        last_login    timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await db.query(`CREATE INDEX users_role_idx ON users (role)`);

    // NULL column = "use the platform default" (§7.2); a group's non-NULL value can only lower a limit.
    await db.query(
      `CREATE TABLE user_quotas (user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE, ${QUOTA_COLUMNS})`,
    );

    await db.query(`
      CREATE TABLE groups (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name         text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$'),
        display_name text NOT NULL,
        description  text NOT NULL DEFAULT '',
        type         text NOT NULL DEFAULT 'team' CHECK (type IN ('team','department','project','system')),
        parent_id    uuid REFERENCES groups(id) ON DELETE SET NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX groups_parent_id_idx ON groups (parent_id)`);
    await db.query(
      `CREATE TABLE group_quotas (group_id uuid PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE, ${QUOTA_COLUMNS})`,
    );

    await db.query(`
      CREATE TABLE group_memberships (
        group_id   uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id    uuid NOT NULL REFERENCES users(id)  ON DELETE CASCADE,
        role       text NOT NULL DEFAULT 'member' CHECK (role IN ('member','admin','owner')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, user_id)
      )`);
    await db.query(`CREATE INDEX group_memberships_user_id_idx ON group_memberships (user_id)`);

    await db.query(`
      CREATE TABLE catalog_templates (
        id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name          text NOT NULL UNIQUE
                      CHECK (char_length(name) <= 63 AND name ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'),
        display_name  text NOT NULL,
        description   text NOT NULL DEFAULT '',
        category      text NOT NULL DEFAULT 'Other',
        app_type      text NOT NULL DEFAULT 'desktop' CHECK (app_type IN ('desktop','webapp')),
        icon_url      text NOT NULL DEFAULT '',
        manifest      jsonb NOT NULL,
        tags          text[] NOT NULL DEFAULT '{}',
        version       text NOT NULL DEFAULT '1.0.0',
        is_featured   boolean NOT NULL DEFAULT false,
        install_count integer NOT NULL DEFAULT 0,
        view_count    integer NOT NULL DEFAULT 0,
        avg_rating    numeric(3,2) NOT NULL DEFAULT 0,
        rating_count  integer NOT NULL DEFAULT 0,
        source        text NOT NULL DEFAULT 'builtin',
        source_url    text NOT NULL DEFAULT '',
        active        boolean NOT NULL DEFAULT true,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX catalog_templates_category_idx ON catalog_templates (lower(category)) WHERE active`);
    await db.query(`CREATE INDEX catalog_templates_tags_idx ON catalog_templates USING gin (tags)`);

    await db.query(`
      CREATE TABLE installed_applications (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        catalog_template_id integer NOT NULL REFERENCES catalog_templates(id) ON DELETE RESTRICT,
        name                text NOT NULL UNIQUE,
        template_name       text NOT NULL UNIQUE,
        display_name        text NOT NULL,
        description         text NOT NULL DEFAULT '',
        category            text NOT NULL DEFAULT 'Other',
        app_type            text NOT NULL DEFAULT 'desktop' CHECK (app_type IN ('desktop','webapp')),
        icon_url            text NOT NULL DEFAULT '',
        manifest            jsonb NOT NULL,
        folder_path         text NOT NULL,
        enabled             boolean NOT NULL DEFAULT true,
        configuration       jsonb NOT NULL DEFAULT '{}',
        platform            text NOT NULL DEFAULT 'kubernetes' CHECK (platform = 'kubernetes'),
        install_status      text NOT NULL DEFAULT 'pending'
                            CHECK (install_status IN ('pending','creating','installed','failed')),
        install_message     text NOT NULL DEFAULT '',
        created_by          uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX installed_applications_enabled_idx ON installed_applications (enabled)`);
    await db.query(`CREATE INDEX installed_applications_catalog_idx ON installed_applications (catalog_template_id)`);
    await db.query(`CREATE INDEX installed_applications_created_by_idx ON installed_applications (created_by)`);

    await db.query(`
      CREATE TABLE application_group_access (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES installed_applications(id) ON DELETE CASCADE,
        group_id       uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        access_level   text NOT NULL DEFAULT 'launch' CHECK (access_level IN ('view','launch','admin')),
        created_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (application_id, group_id)
      )`);
    await db.query(`CREATE INDEX application_group_access_group_idx ON application_group_access (group_id)`);

    await db.query(`
      CREATE TABLE sessions (
        name                 text PRIMARY KEY CHECK (char_length(name) <= 60),
        namespace            text NOT NULL,
        k8s_uid              uuid,
        username             text NOT NULL,
        user_id              uuid REFERENCES users(id) ON DELETE SET NULL,
        template_name        text NOT NULL,
        application_id       uuid REFERENCES installed_applications(id) ON DELETE SET NULL,
        state                text NOT NULL CHECK (state IN ('running','hibernated','terminated')),
        state_reason         text,
        phase                text NOT NULL DEFAULT 'Pending'
                             CHECK (phase IN ('Pending','Running','Hibernated','Terminated','Failed')),
        status_message       text NOT NULL DEFAULT '',
        url                  text NOT NULL DEFAULT '',
        pod_name             text NOT NULL DEFAULT '',
        cpu                  text NOT NULL,
        memory               text NOT NULL,
        cpu_millicores       integer NOT NULL,
        memory_mib           integer NOT NULL,
        persistent_home      boolean NOT NULL,
        idle_timeout         text NOT NULL,
        max_session_duration text NOT NULL,
        tags                 text[] NOT NULL DEFAULT '{}',
        last_activity        timestamptz NOT NULL DEFAULT now(),
        started_at           timestamptz,
        last_connection      timestamptz,
        last_disconnect      timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        deleted_at           timestamptz
      )`);
    await db.query(`CREATE INDEX sessions_username_live_idx ON sessions (username) WHERE deleted_at IS NULL`);
    await db.query(`CREATE INDEX sessions_state_live_idx ON sessions (state) WHERE deleted_at IS NULL`);
    await db.query(`CREATE INDEX sessions_template_idx ON sessions (template_name)`);
    await db.query(`CREATE INDEX sessions_created_at_idx ON sessions (created_at)`);
    await db.query(`CREATE INDEX sessions_tags_idx ON sessions USING gin (tags)`);

    await db.query(`
      CREATE TABLE connections (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_name   text NOT NULL REFERENCES sessions(name) ON DELETE CASCADE,
        user_id        uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        client_ip      inet,
        user_agent     text NOT NULL DEFAULT '',
        connected_at   timestamptz NOT NULL DEFAULT now(),
        last_heartbeat timestamptz NOT NULL DEFAULT now(),
        closed_at      timestamptz,
        close_reason   text CHECK (close_reason IN ('client','timeout','session_stopped','session_deleted')),
        CHECK ((closed_at IS NULL) = (close_reason IS NULL))
      )`);
    await db.query(`CREATE INDEX connections_open_session_idx ON connections (session_name) WHERE closed_at IS NULL`);
    await db.query(
      `CREATE INDEX connections_open_heartbeat_idx ON connections (last_heartbeat) WHERE closed_at IS NULL`,
    );
    await db.query(`CREATE INDEX connections_user_time_idx ON connections (user_id, connected_at)`);
    await db.query(`CREATE INDEX connections_connected_at_idx ON connections (connected_at)`);

    await db.query(`
      CREATE TABLE user_favorites (
        user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        template_name text NOT NULL CHECK (char_length(template_name) BETWEEN 1 AND 255),
        created_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, template_name)
      )`);

    await db.query(`
      CREATE TABLE revoked_tokens (
        jti        text PRIMARY KEY,
        user_id    uuid REFERENCES users(id) ON DELETE CASCADE,
        reason     text NOT NULL CHECK (reason IN ('logout','refresh','admin')),
        revoked_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at)`);

    await db.query(`INSERT INTO groups (name, display_name, type) VALUES ('all-users', 'All Users', 'system')`);
    await db.query(`
      INSERT INTO users (username, email, full_name, role)
      VALUES ('admin', 'admin@streamspace.local', 'Administrator', 'admin')`);
    await db.query(`
      INSERT INTO user_quotas (user_id, max_sessions, max_cpu_millicores, max_memory_mib,
                               max_cpu_per_session_millicores, max_memory_per_session_mib, max_storage_mib)
      SELECT id, 100, 64000, 262144, 16000, 65536, 1048576 FROM users WHERE username = 'admin'`);
    await db.query(`
      INSERT INTO group_memberships (group_id, user_id)
      SELECT g.id, u.id FROM groups g, users u WHERE g.name = 'all-users' AND u.username = 'admin'`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'revoked_tokens',
      'user_favorites',
      'connections',
      'sessions',
      'application_group_access',
      'installed_applications',
      'catalog_templates',
      'group_memberships',
      'group_quotas',
      'groups',
      'user_quotas',
      'users',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
