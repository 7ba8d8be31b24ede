import { randomBytes } from 'node:crypto';
import { ADMIN_URL, runAdminSql } from '../setup/global-setup.js';

/** A throw-away database for one test file; `drop()` removes it. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `streamspace_scratch_${randomBytes(6).toString('hex')}`;
  await runAdminSql(ADMIN_URL, `CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => runAdminSql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
