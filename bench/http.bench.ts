// `npm run bench:http`: the hot HTTP paths of the production build (dist/main.js, run as its own
// process) against PostgreSQL and a lite control plane, next to a bare Node `http` server that
// answers the same bytes, in one run and one table (issue 15). Everything stays on 127.0.0.1.
//
//   BENCH_SECONDS   seconds per load scenario (default 5)
//   BENCH_FULL=1    also create → phase Running on the full cluster (kwok), BENCH_CREATES sessions (default 20)
//   BENCH_DATABASE_URL  PostgreSQL admin URL (default TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres)
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import pg from 'pg';
import { ControlPlane, freePorts } from '../test/control-plane/control-plane.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FULL = process.env.BENCH_FULL === '1' || process.argv.includes('--full');
const CREATES = Number(process.env.BENCH_CREATES ?? 20);
const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SESSIONS = 5_000;
const CALLER_SESSIONS = 50;
const OTHER_OWNERS = 99;
const HEARTBEAT_SESSIONS = 200;
const RSS_SESSIONS = 10_000;
const ADMIN_PASSWORD = `bench-${randomBytes(12).toString('hex')}`;
const NAMESPACE = 'streamspace';

if (!existsSync(`${ROOT}dist/main.js`)) throw new Error('dist/main.js is missing: run `npm run build` first');

const log = (line: string) => console.error(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  figure: string;
  bare?: string;
  server: string;
}
const rows: Row[] = [];

interface Server {
  child: ChildProcess;
  url: string;
  startMs: number;
}

/** The production build as its own process; resolves once `/health` answers 200. */
async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const [port] = await freePorts(1);
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, API_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Logs are drained as a container runtime would read them, not dropped by the kernel.
  child.stdout.resume();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    const status = await fetch(`${url}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { child, url, startMs: performance.now() - started };
    await sleep(10);
  }
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** Resident memory of a process in MiB, from /proc. */
async function rssMib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function api<T>(url: string, path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: {
      'Content-Type': 'application/json',
      ...(init.token && { Authorization: `Bearer ${init.token}` }),
    },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const login = (url: string, username: string, password: string) =>
  api<{ token: string }>(url, '/api/v1/auth/login', {
    method: 'POST',
    body: JSON.stringify({ username, password }),
  }).then((body) => body.token);

interface Load {
  url: string;
  connections: number;
  token?: string;
  method?: 'GET' | 'POST';
  /** Paths taken in turn; one path when a string. */
  paths: string | string[];
}

/** autocannon for SECONDS; every answer must be 2xx. */
async function load({ url, connections, token, method = 'GET', paths }: Load) {
  const list = typeof paths === 'string' ? [paths] : paths;
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration: SECONDS,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    requests: [{ method, setupRequest: (request) => ({ ...request, path: list[next++ % list.length] }) }],
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${method} ${list[0]}: ${failed} failed answers of ${result.requests.total}`);
  return result;
}

const figures = (result: autocannon.Result) =>
  `${Math.round(result.requests.average).toLocaleString('en')} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`;

/** A bare `http` server in its own process answering `body` for every request. */
async function startBare(body: string): Promise<{ url: string; stop: () => void }> {
  const [port] = await freePorts(1);
  const code = `const body = Buffer.from(process.env.BODY);
require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}).listen(${port}, '127.0.0.1', () => process.send('ready'));`;
  const child = spawn(process.execPath, ['-e', code], {
    env: { BODY: body },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => child.once('message', resolve));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function sessionManifest(name: string, user: string) {
  return {
    apiVersion: 'stream.space/v1alpha1',
    kind: 'Session',
    metadata: { name, labels: { 'streamspace.io/user': user, 'app.kubernetes.io/managed-by': 'streamspace' } },
    spec: {
      user,
      template: 'firefox',
      state: 'running',
      resources: { requests: { cpu: '1000m', memory: '2Gi' }, limits: { cpu: '1000m', memory: '2Gi' } },
      persistentHome: true,
      idleTimeout: '30m',
      maxSessionDuration: '8h',
      tags: ['bench'],
    },
  };
}

/** Session resources straight into the API server, 32 at a time. */
async function seed(kube: CustomObjectsApi, owners: { user: string; count: number; from?: number }[]): Promise<void> {
  const limit = pLimit(32);
  await Promise.all(
    owners.flatMap(({ user, count, from = 0 }) =>
      Array.from({ length: count }, (_, i) =>
        limit(() =>
          kube.createNamespacedCustomObject({
            group: 'stream.space',
            version: 'v1alpha1',
            namespace: NAMESPACE,
            plural: 'sessions',
            body: sessionManifest(`${user}-s${from + i}`, user),
          }),
        ),
      ),
    ),
  );
}

/** Until the database holds `count` live session rows (the projection caught up with the watch). */
async function projected(db: pg.Client, count: number): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE deleted_at IS NULL');
    if (rows[0].n >= count) return;
    await sleep(200);
  }
}

async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `streamspace_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

function serverEnv(cluster: ControlPlane, databaseUrl: string, reconciler: boolean): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_PASSWORD,
    DATABASE_URL: databaseUrl,
    KUBECONFIG: cluster.kubeconfigPath,
    NAMESPACE,
    RECONCILER_ENABLED: String(reconciler),
    LOG_LEVEL: 'info',
  };
}

async function httpScenarios(): Promise<void> {
  const cluster = await ControlPlane.start({ mode: 'lite', log });
  const database = await scratchDatabase();
  const db = new pg.Client({ connectionString: database.url });
  let server: Server | undefined;
  try {
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(cluster.kubeconfigPath);
    const kube = kubeconfig.makeApiClient(CustomObjectsApi);
    // The reconciler would build 5,000 workloads on a cluster that cannot run them: reads only.
    const env = serverEnv(cluster, database.url, false);
    server = await startServer(env);
    rows.push({
      figure: 'process start → /health 200 (empty database, migrations)',
      server: `${Math.round(server.startMs)} ms`,
    });
    await db.connect();

    const adminToken = await login(server.url, 'admin', ADMIN_PASSWORD);
    const callerPassword = `bench-${randomBytes(12).toString('hex')}`;
    await api(server.url, '/api/v1/users', {
      method: 'POST',
      token: adminToken,
      body: JSON.stringify({ username: 'caller', email: 'caller@bench.test', password: callerPassword }),
    });
    const callerToken = await login(server.url, 'caller', callerPassword);

    log(`seeding ${SESSIONS} sessions`);
    const others = Array.from({ length: OTHER_OWNERS }, (_, i) => ({
      user: `owner${i}`,
      count: (SESSIONS - CALLER_SESSIONS) / OTHER_OWNERS,
    }));
    await seed(kube, [{ user: 'caller', count: CALLER_SESSIONS }, ...others]);
    await projected(db, SESSIONS);

    const userList = await fetch(`${server.url}/api/v1/sessions`, {
      headers: { authorization: `Bearer ${callerToken}` },
    }).then((r) => r.text());
    const total = (JSON.parse(userList) as { total: number }).total;
    if (total !== CALLER_SESSIONS) throw new Error(`the caller sees ${total} sessions, not ${CALLER_SESSIONS}`);

    log('bare node');
    const bareList = await startBare(userList);
    const bareListResult = await load({ url: bareList.url, connections: 32, paths: '/api/v1/sessions' });
    bareList.stop();
    const bareHealth = await startBare(JSON.stringify({ status: 'alive' }));
    const bareHealthResult = await load({ url: bareHealth.url, connections: 32, paths: '/health/live' });
    bareHealth.stop();

    log('user list');
    const user = await load({ url: server.url, connections: 32, token: callerToken, paths: '/api/v1/sessions' });
    rows.push({
      figure: `GET /api/v1/sessions as a user (${CALLER_SESSIONS} of ${SESSIONS}), c=32`,
      bare: figures(bareListResult),
      server: `${figures(user)} (${Math.round((100 * user.requests.average) / bareListResult.requests.average)} % of bare)`,
    });
    log('admin list');
    const admin = await load({ url: server.url, connections: 8, token: adminToken, paths: '/api/v1/sessions' });
    rows.push({ figure: `same, as admin (all ${SESSIONS}), c=8`, server: figures(admin) });
    log('health');
    const live = await load({ url: server.url, connections: 32, paths: '/health/live' });
    rows.push({
      figure: 'GET /health/live, c=32',
      bare: figures(bareHealthResult),
      server: `${figures(live)} (${Math.round((100 * live.requests.average) / bareHealthResult.requests.average)} % of bare)`,
    });
    log('heartbeats');
    const { rows: names } = await db.query<{ name: string }>(
      `SELECT name FROM sessions WHERE deleted_at IS NULL ORDER BY name LIMIT ${HEARTBEAT_SESSIONS}`,
    );
    const heartbeats = await load({
      url: server.url,
      connections: 32,
      token: adminToken,
      method: 'POST',
      paths: names.map(({ name }) => `/api/v1/sessions/${name}/heartbeat`),
    });
    rows.push({ figure: `POST heartbeat over ${HEARTBEAT_SESSIONS} sessions, c=32`, server: figures(heartbeats) });

    log(`seeding up to ${RSS_SESSIONS} sessions`);
    await seed(
      kube,
      Array.from({ length: (RSS_SESSIONS - SESSIONS) / CALLER_SESSIONS }, (_, i) => ({
        user: `more${i}`,
        count: CALLER_SESSIONS,
      })),
    );
    await projected(db, RSS_SESSIONS);
    await stopServer(server);
    server = await startServer(env);
    rows.push({
      figure: `process start → /health 200 (${RSS_SESSIONS.toLocaleString('en')} sessions, admin has a password)`,
      server: `${Math.round(server.startMs)} ms`,
    });
    await api(server.url, '/api/v1/sessions', { token: adminToken });
    await load({ url: server.url, connections: 32, token: callerToken, paths: '/api/v1/sessions' });
    rows.push({
      figure: `RSS with ${RSS_SESSIONS.toLocaleString('en')} sessions (after an admin list and ${SECONDS} s of user lists)`,
      server: `${await rssMib(server.child.pid!)} MiB`,
    });
  } finally {
    if (server) await stopServer(server);
    await db.end().catch(() => undefined);
    await database.drop();
    await cluster.stop();
  }
}

/** Full cluster with the reconciler: POST /sessions → GET shows phase Running, one at a time. */
async function createToRunning(): Promise<void> {
  const cluster = await ControlPlane.start({ mode: 'full', log });
  const database = await scratchDatabase();
  let server: Server | undefined;
  try {
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(cluster.kubeconfigPath);
    const kube = kubeconfig.makeApiClient(CustomObjectsApi);
    await kube.createNamespacedCustomObject({
      group: 'stream.space',
      version: 'v1alpha1',
      namespace: NAMESPACE,
      plural: 'templates',
      body: {
        apiVersion: 'stream.space/v1alpha1',
        kind: 'Template',
        metadata: { name: 'bench' },
        spec: { displayName: 'bench', baseImage: 'nginx:1.27' },
      },
    });
    server = await startServer(serverEnv(cluster, database.url, true));
    const token = await login(server.url, 'admin', ADMIN_PASSWORD);
    const times: number[] = [];
    for (let i = 0; i < CREATES; i++) {
      const started = performance.now();
      const { name } = await api<{ name: string }>(server.url, '/api/v1/sessions', {
        method: 'POST',
        token,
        body: JSON.stringify({ template: 'bench', persistentHome: false }),
      });
      for (;;) {
        const session = await api<{ status: { phase: string } }>(server.url, `/api/v1/sessions/${name}`, { token });
        if (session.status.phase === 'Running') break;
        if (performance.now() - started > 30_000) throw new Error(`${name} not Running after 30 s`);
        await sleep(5);
      }
      times.push(performance.now() - started);
      await api(server.url, `/api/v1/sessions/${name}`, { method: 'DELETE', token });
    }
    times.sort((a, b) => a - b);
    rows.push({
      figure: `create → phase Running (full cluster, ${CREATES} sessions one at a time)`,
      server: `p50 ${Math.round(times[Math.floor(times.length / 2)])} ms, max ${Math.round(times.at(-1)!)} ms`,
    });
  } finally {
    if (server) await stopServer(server);
    await database.drop();
    await cluster.stop();
  }
}

await httpScenarios();
if (FULL) await createToRunning();

const widths = [
  Math.max(6, ...rows.map((r) => r.figure.length)),
  Math.max(24, ...rows.map((r) => (r.bare ?? '–').length)),
  Math.max(11, ...rows.map((r) => r.server.length)),
];
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(`\n${new Date().toISOString().slice(0, 10)}, ${SECONDS} s per load scenario, node ${process.version}\n`);
console.log(line(['figure', 'bare Node http (same bytes)', 'this server']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line([row.figure, row.bare ?? '–', row.server]));
