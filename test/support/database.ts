import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (127.0.0.1:5432, trust auth); override with TEST_POSTGRES_URL. */
export const ADMIN_DATABASE_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(database: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A throw-away database for one test file; `drop()` removes it. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `streamspace_scratch_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  return { url: databaseUrl(name), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
