import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { stringify } from 'yaml';
import { createScratchDatabase } from '../support/database.js';
import { startTestApp } from '../support/test-app.js';

export interface CatalogFileEntry {
  name: string;
  version?: string;
  featured?: boolean;
  spec: Record<string, unknown>;
}

/** A catalog file in a temporary folder; `write` replaces its entries. */
export function temporaryCatalogFile(entries: CatalogFileEntry[]) {
  const folder = mkdtempSync(join(tmpdir(), 'streamspace-catalog-'));
  const path = join(folder, 'catalog.yaml');
  const write = (next: CatalogFileEntry[]) => writeFileSync(path, stringify({ templates: next }));
  write(entries);
  return { path, write, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

export const catalogEntry = (
  name: string,
  spec: Record<string, unknown> = {},
  extra: Partial<CatalogFileEntry> = {},
): CatalogFileEntry => ({
  name,
  ...extra,
  spec: { displayName: name, baseImage: `registry.example/${name}:1`, ...spec },
});

/**
 * A database of its own, so seeding from a test file deactivates nobody else's catalog rows.
 * The reconcilers stay off: this server must not act on the shared namespace.
 */
export async function startCatalogApp(env: NodeJS.ProcessEnv = {}) {
  const database = await createScratchDatabase();
  let app: NestExpressApplication | undefined;
  const start = async (extra: NodeJS.ProcessEnv = {}) => {
    const started = await startTestApp({ DATABASE_URL: database.url, RECONCILER_ENABLED: 'false', ...env, ...extra });
    app = started.app;
    return { ...started, db: started.app.get<DataSource>(getDataSourceToken()) };
  };
  const started = await start();
  return {
    ...started,
    databaseUrl: database.url,
    /** Stops the server and starts a new one on the same database. */
    restart: async (extra: NodeJS.ProcessEnv = {}) => {
      await app?.close();
      return start(extra);
    },
    close: async () => {
      await app?.close();
      await database.drop();
    },
  };
}
