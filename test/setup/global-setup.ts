// Loaded by jest outside its ESM module system: only package imports here, no project files.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

declare global {
  // Handed from global setup to global teardown (same process).
  var __STREAMSPACE_TEST__: { cluster: ChildProcess; dropDatabase: () => Promise<void>; stateDir: string } | undefined;
}

/** The machine's PostgreSQL (trust auth); override with TEST_POSTGRES_URL. */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLUSTER_START_TIMEOUT_MS = 120_000;

export async function runAdminSql(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Starts `test/control-plane/cli.ts full` and resolves with its state once the cluster is ready. */
function startCluster(stateFile: string): Promise<{ cluster: ChildProcess; state: Record<string, string> }> {
  const cluster = spawn(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', 'test/control-plane/cli.ts', 'full', '--state-file', stateFile],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  cluster.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (existsSync(stateFile)) {
        clearInterval(poll);
        resolve({ cluster, state: JSON.parse(readFileSync(stateFile, 'utf8')) });
      } else if (cluster.exitCode !== null || Date.now() - started > CLUSTER_START_TIMEOUT_MS) {
        clearInterval(poll);
        cluster.kill('SIGKILL');
        reject(new Error(`test control plane did not start:\n${stderr}`));
      }
    }, 100);
  });
}

/**
 * Once per `jest` run: a fresh PostgreSQL database with a random name and a full-mode control
 * plane (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes) with our CRDs.
 * Tests find them through DATABASE_URL and KUBECONFIG.
 */
export default async function globalSetup(): Promise<void> {
  const database = `streamspace_test_${randomBytes(6).toString('hex')}`;
  await runAdminSql(ADMIN_URL, `CREATE DATABASE ${database}`);
  const dropDatabase = () => runAdminSql(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  const stateDir = mkdtempSync(join(tmpdir(), 'streamspace-jest-'));
  try {
    const { cluster, state } = await startCluster(join(stateDir, 'cluster.json'));
    globalThis.__STREAMSPACE_TEST__ = { cluster, dropDatabase, stateDir };
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    process.env.DATABASE_URL = url.toString();
    process.env.KUBECONFIG = state.kubeconfigPath;
    process.env.STREAMSPACE_TEST_POD_LOG_FILE = state.podLogFile;
    process.env.STREAMSPACE_TEST_KUBECTL = state.kubectl;
  } catch (error) {
    await dropDatabase();
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
}
