import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('uses the contract defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8000,
      namespace: 'streamspace',
      database: { kind: 'pglite', dataDir: '.data/pglite' },
      corsAllowedOrigins: [
        'http://localhost:3000',
        'http://localhost:4173',
        'http://localhost:5173',
        'http://localhost:8000',
      ],
      idleCheckIntervalSeconds: 60,
      reconcilerEnabled: true,
      clusterWriteNamespaces: [],
      ingress: { domain: 'streamspace.local', className: '' },
      gitCommit: 'unknown',
      logLevel: 'info',
    });
    expect(config.jwt.generated).toBe(true);
    expect(config.jwt.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('parses typed values', () => {
    const config = loadConfig({
      API_PORT: '9000',
      NAMESPACE: 'ss-prod',
      DATABASE_URL: 'postgres://u:p@db:5432/ss',
      DB_SSL_MODE: 'require',
      JWT_SECRET: 'x'.repeat(32),
      CORS_ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
      IDLE_CHECK_INTERVAL: '2m',
      RECONCILER_ENABLED: 'FALSE',
      CLUSTER_WRITE_NAMESPACES: 'apps,tools',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 9000,
      namespace: 'ss-prod',
      database: { kind: 'postgres', url: 'postgres://u:p@db:5432/ss', sslMode: 'require' },
      jwt: { secret: 'x'.repeat(32), generated: false },
      corsAllowedOrigins: ['https://a.example', 'https://b.example:8443'],
      idleCheckIntervalSeconds: 120,
      reconcilerEnabled: false,
      clusterWriteNamespaces: ['apps', 'tools'],
      logLevel: 'debug',
    });
  });

  it('prefers DATABASE_URL over DB_HOST, and DB_HOST over embedded PGlite', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://a/b', DB_HOST: 'db' }).database).toMatchObject({
      url: 'postgresql://a/b',
    });
    expect(loadConfig({ DB_HOST: 'db', DB_PORT: '6543' }).database).toEqual({
      kind: 'postgres',
      host: 'db',
      port: 6543,
      user: 'streamspace',
      password: 'streamspace',
      name: 'streamspace',
      sslMode: 'disable',
    });
    expect(loadConfig({ PGLITE_DIR: 'memory' }).database).toEqual({ kind: 'pglite', dataDir: undefined });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ API_PORT: '', INGRESS_CLASS: '', JWT_SECRET: '' }).port).toBe(8000);
  });

  it('accepts * as any origin', () => {
    expect(loadConfig({ CORS_ALLOWED_ORIGINS: '*' }).corsAllowedOrigins).toBe('*');
  });

  it.each([
    ['API_PORT', 'abc'],
    ['API_PORT', '70000'],
    ['API_PORT', '80.5'],
    ['NAMESPACE', 'Not_A_Namespace'],
    ['DATABASE_URL', 'mysql://db/x'],
    ['DB_PORT', 'x'],
    ['DB_SSL_MODE', 'prefer'],
    ['NODE_ENV', 'staging'],
    ['JWT_SECRET', 'short'],
    ['CORS_ALLOWED_ORIGINS', 'localhost:3000'],
    ['IDLE_CHECK_INTERVAL', '1m30s'],
    ['IDLE_CHECK_INTERVAL', '0s'],
    ['RECONCILER_ENABLED', 'yes'],
    ['CLUSTER_WRITE_NAMESPACES', 'ok,Bad_Name'],
    ['INGRESS_DOMAIN', 'not a domain'],
    ['INGRESS_CLASS', 'UPPER'],
    ['LOG_LEVEL', 'verbose'],
    ['KUBECONFIG', '/nonexistent/kubeconfig'],
    ['CATALOG_FILE', '/nonexistent/catalog.yaml'],
    ['METRICS_TOKEN', 'short'],
    ['ADMIN_PASSWORD', 'too-short'],
    ['ADMIN_PASSWORD_RESET', 'password1234'],
    ['LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS', '0'],
    ['LOGIN_FAILURES_PER_ADDRESS', '1e3'],
    ['LOGIN_FAILURES_PER_USERNAME', '100001'],
  ])('rejects %s=%s with a message naming the variable', (variable, value) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}\\b`));
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ API_PORT: '0', NAMESPACE: '-', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['API_PORT', 'NAMESPACE', 'LOG_LEVEL']);
  });

  it('requires JWT_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET must be set to at least 32 characters (required when NODE_ENV=production)',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(40) })).toEqual([]);
  });

  it('explains why a bootstrap admin password is refused, without echoing it', () => {
    expect(problemsOf({ ADMIN_PASSWORD: 'changeme1234' })).toEqual([
      'ADMIN_PASSWORD is not acceptable: password is too common - please choose a stronger password',
    ]);
    expect(problemsOf({ ADMIN_PASSWORD_RESET: 'a-perfectly-fine-password' })).toEqual([]);
  });

  it('never echoes secret values in its messages', () => {
    const secret = 'hunter2-not-long-enough';
    const problems = problemsOf({ JWT_SECRET: secret, DATABASE_URL: `mysql://root:${secret}@db/x` });
    expect(problems.join('\n')).not.toContain(secret);
  });
});
