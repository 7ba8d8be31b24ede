import { randomBytes } from 'node:crypto';
import { environmentProblems, parseEnvironment } from './environment.js';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type DbSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; sslMode: DbSslMode }
  | {
      kind: 'postgres';
      url?: undefined;
      host: string;
      port: number;
      user: string;
      password: string;
      name: string;
      sslMode: DbSslMode;
    }
  /** Embedded PostgreSQL (WASM). `dataDir` undefined = in memory. */
  | { kind: 'pglite'; dataDir: string | undefined };

/**
 * The whole environment, parsed once at start-up (api-contract §6.9). Injected by class token,
 * so every consumer gets the same validated, typed object.
 */
export abstract class AppConfig {
  abstract readonly nodeEnv: NodeEnv;
  abstract readonly port: number;
  abstract readonly namespace: string;
  abstract readonly database: DatabaseConfig;
  /** `generated` = no JWT_SECRET in development: random per start, tokens die with the process. */
  abstract readonly jwt: { readonly secret: string; readonly generated: boolean };
  abstract readonly adminPassword: string | undefined;
  abstract readonly adminPasswordReset: string | undefined;
  /** Exact origins, or '*' for any. */
  abstract readonly corsAllowedOrigins: readonly string[] | '*';
  abstract readonly trustProxy: string | undefined;
  /** Failed logins allowed per minute (api-contract §1.5). */
  abstract readonly loginFailuresPerMinute: {
    readonly perUsernameAndAddress: number;
    readonly perAddress: number;
    readonly perUsername: number;
  };
  abstract readonly idleCheckIntervalSeconds: number;
  abstract readonly reconcilerEnabled: boolean;
  abstract readonly clusterWriteNamespaces: readonly string[];
  abstract readonly ingress: { readonly domain: string; readonly className: string };
  abstract readonly catalogFile: string | undefined;
  abstract readonly metricsToken: string | undefined;
  abstract readonly gitCommit: string;
  abstract readonly kubeconfig: string | undefined;
  abstract readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const problems = environmentProblems(env);
  if (problems.length > 0) throw new ConfigError(problems);
  const e = parseEnvironment(env);

  const sslMode = e.DB_SSL_MODE;
  let database: DatabaseConfig;
  if (e.DATABASE_URL) database = { kind: 'postgres', url: e.DATABASE_URL, sslMode };
  else if (e.DB_HOST)
    database = {
      kind: 'postgres',
      host: e.DB_HOST,
      port: e.DB_PORT,
      user: e.DB_USER,
      password: e.DB_PASSWORD,
      name: e.DB_NAME,
      sslMode,
    };
  else database = { kind: 'pglite', dataDir: e.PGLITE_DIR === 'memory' ? undefined : e.PGLITE_DIR };

  return {
    nodeEnv: e.NODE_ENV,
    port: e.API_PORT,
    namespace: e.NAMESPACE,
    database,
    jwt: e.JWT_SECRET
      ? { secret: e.JWT_SECRET, generated: false }
      : { secret: randomBytes(48).toString('base64url'), generated: true },
    adminPassword: e.ADMIN_PASSWORD,
    adminPasswordReset: e.ADMIN_PASSWORD_RESET,
    corsAllowedOrigins: e.CORS_ALLOWED_ORIGINS.includes('*') ? '*' : e.CORS_ALLOWED_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    loginFailuresPerMinute: {
      perUsernameAndAddress: e.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS,
      perAddress: e.LOGIN_FAILURES_PER_ADDRESS,
      perUsername: e.LOGIN_FAILURES_PER_USERNAME,
    },
    idleCheckIntervalSeconds: e.IDLE_CHECK_INTERVAL,
    reconcilerEnabled: e.RECONCILER_ENABLED,
    clusterWriteNamespaces: e.CLUSTER_WRITE_NAMESPACES,
    ingress: { domain: e.INGRESS_DOMAIN, className: e.INGRESS_CLASS },
    catalogFile: e.CATALOG_FILE,
    metricsToken: e.METRICS_TOKEN,
    gitCommit: e.GIT_COMMIT,
    kubeconfig: e.KUBECONFIG,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info'),
  };
}
