import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../src/config/app-config.js';
import { buildDataSourceOptions } from '../../src/database/database.options.js';
import { MIGRATIONS } from '../../src/database/migrations/index.js';
import { createScratchDatabase } from '../support/database.js';

const TABLES = [
  'application_group_access',
  'catalog_templates',
  'connections',
  'group_memberships',
  'group_quotas',
  'groups',
  'installed_applications',
  'revoked_tokens',
  'session_invitations',
  'session_shares',
  'sessions',
  'user_favorites',
  'user_quotas',
  'users',
];

async function open(config: DatabaseConfig): Promise<DataSource> {
  return new DataSource(buildDataSourceOptions(config)).initialize();
}

async function tables(db: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

/** What both engines must show after the first start (api-contract §9). */
async function expectSchemaAndSeed(db: DataSource): Promise<void> {
  expect(await tables(db)).toEqual(TABLES);
  const [admin] = await db.query(
    `SELECT u.username, u.role, u.email, u.full_name, u.password_hash, q.max_sessions, q.max_cpu_millicores, q.max_memory_mib,
            q.max_cpu_per_session_millicores, q.max_memory_per_session_mib, q.max_storage_mib, g.name AS group_name
       FROM users u JOIN user_quotas q ON q.user_id = u.id
       JOIN group_memberships m ON m.user_id = u.id JOIN groups g ON g.id = m.group_id`,
  );
  expect(admin).toEqual({
    username: 'admin',
    role: 'admin',
    email: 'admin@streamspace.local',
    full_name: 'Administrator',
    password_hash: null,
    max_sessions: 100,
    max_cpu_millicores: 64000,
    max_memory_mib: 262144,
    max_cpu_per_session_millicores: 16000,
    max_memory_per_session_mib: 65536,
    max_storage_mib: 1048576,
    group_name: 'all-users',
  });
  // The contract's constraints are real: a bad username and a duplicate in other case are refused.
  await expect(db.query(`INSERT INTO users (username, email) VALUES ('-bad', 'x@y')`)).rejects.toThrow();
  await expect(db.query(`INSERT INTO users (username, email) VALUES ('ADMIN', 'other@y')`)).rejects.toThrow();
}

describe('migrations on PostgreSQL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('create the schema and seed at first start, do nothing at the next, and revert cleanly', async () => {
    const scratch = await createScratchDatabase();
    cleanups.push(scratch.drop);
    const config: DatabaseConfig = { kind: 'postgres', url: scratch.url, sslMode: 'disable' };

    const first = await open(config);
    await expectSchemaAndSeed(first);
    await first.destroy();

    const second = await open(config);
    expect(await second.showMigrations()).toBe(false);
    expect(await second.query(`SELECT count(*)::int AS n FROM users`)).toEqual([{ n: 1 }]);
    for (let i = 0; i < MIGRATIONS.length; i++) await second.undoLastMigration();
    expect(await tables(second)).toEqual([]);
    expect(await second.runMigrations()).toHaveLength(MIGRATIONS.length);
    expect(await tables(second)).toEqual(TABLES);
    await second.destroy();
  });
});

describe('migrations on embedded PGlite', () => {
  it('build the same schema in memory', async () => {
    const db = await open({ kind: 'pglite', dataDir: undefined });
    try {
      await expectSchemaAndSeed(db);
    } finally {
      await db.destroy();
    }
  });

  it('keep data in PGLITE_DIR across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pglite-'));
    try {
      const first = await open({ kind: 'pglite', dataDir });
      await first.query(`INSERT INTO users (username, email) VALUES ('carol', 'carol@example.com')`);
      await first.destroy();

      const second = await open({ kind: 'pglite', dataDir });
      expect(await second.showMigrations()).toBe(false);
      expect(await second.query(`SELECT username FROM users ORDER BY username`)).toEqual([
        { username: 'admin' },
        { username: 'carol' },
      ]);
      await second.destroy();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
