import { mkdirSync } from 'node:fs';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import type { DatabaseConfig, DbSslMode } from '../config/app-config.js';
import { MIGRATIONS } from './migrations/index.js';

function sslOptions(mode: DbSslMode): false | ConnectionOptions {
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
}

/**
 * PostgreSQL through pg when configured, else embedded PGlite (one instance per process). Schema
 * changes come only from migrations, run at start-up; never `synchronize`.
 */
export function buildDataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    // Failures surface as exceptions to the caller, which logs them with the request id.
    logging: false,
  };
  if (database.kind === 'pglite') {
    if (database.dataDir) mkdirSync(database.dataDir, { recursive: true });
    return {
      ...common,
      driver: new PGliteDriver(database.dataDir ? { dataDir: database.dataDir } : {}).driver,
    };
  }
  const connection = !('host' in database)
    ? { url: database.url }
    : {
        host: database.host,
        port: database.port,
        username: database.user,
        password: database.password,
        database: database.name,
      };
  return {
    ...common,
    ...connection,
    // pg takes tls.connect options; TypeORM's type names the server-side TlsOptions.
    ssl: sslOptions(database.sslMode) as false | TlsOptions,
    // Quota checks hold a connection while they wait for a user's lock, and the leader keeps one.
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}

/** A plain pg client on the configured PostgreSQL, for a connection kept outside the pool (LISTEN). */
export function pgClientConfig(database: Extract<DatabaseConfig, { kind: 'postgres' }>): ClientConfig {
  return {
    ...(!('host' in database)
      ? { connectionString: database.url }
      : {
          host: database.host,
          port: database.port,
          user: database.user,
          password: database.password,
          database: database.name,
        }),
    ssl: sslOptions(database.sslMode),
    connectionTimeoutMillis: 5000,
  };
}
