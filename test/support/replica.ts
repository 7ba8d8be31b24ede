import { randomBytes } from 'node:crypto';
import { freePorts } from '../control-plane/control-plane.js';
import { eventually } from './eventually.js';
import { type ServerProcess, spawnServer } from './server-process.js';

export interface Replica {
  process: ServerProcess;
  url: string;
  /** Whether this replica holds the leader lock, from its /metrics. */
  isLeader(): Promise<boolean>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Settings several replicas must share: database, cluster, signing secret and admin password. */
export function replicaEnvironment(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl,
    KUBECONFIG: process.env.KUBECONFIG,
    JWT_SECRET: randomBytes(24).toString('hex'),
    ADMIN_PASSWORD: `replica-${randomBytes(8).toString('hex')}`,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
  };
}

/** Starts `src/main.ts` as a process on a free port and waits until it serves HTTP. */
export async function startReplica(env: NodeJS.ProcessEnv): Promise<Replica> {
  const [port] = await freePorts(1);
  const server = spawnServer({ ...env, API_PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`replica exited: ${server.stderr().slice(-2000)}`);
      expect200((await fetch(`${url}/health/live`)).status);
    },
    90_000,
    250,
  );
  return {
    process: server,
    url,
    isLeader: async () => /^streamspace_leader 1$/m.test(await (await fetch(`${url}/metrics`)).text()),
    kill: async (signal = 'SIGKILL') => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
      await server.exited;
    },
  };
}

/** The admin's bearer token on a replica started with `replicaEnvironment`. */
export async function adminBearer(url: string, env: NodeJS.ProcessEnv): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: env.ADMIN_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`admin login answered ${response.status}`);
  return `Bearer ${((await response.json()) as { token: string }).token}`;
}

function expect200(status: number): void {
  if (status !== 200) throw new Error(`answered ${status}`);
}
