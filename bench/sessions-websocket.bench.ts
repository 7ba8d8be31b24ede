// `npm run bench`: the sessions WebSocket under load (issue: 1,000 sockets of one user plus 100
// users with one socket each). Starts a lite control plane and the real application (PostgreSQL
// from BENCH_DATABASE_URL, else embedded PGlite), then reports, per 5 s refresh tick, the CPU time
// the process spent and its memory. Everything stays on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WebSocket } from 'ws';
import { createApp } from '../src/app.js';
import { TokenService } from '../src/auth/token.service.js';
import { loadConfig } from '../src/config/app-config.js';
import { K8sService } from '../src/kubernetes/k8s.service.js';
import { ControlPlane } from '../test/control-plane/control-plane.js';

const SOCKETS_OF_ONE_USER = Number(process.env.BENCH_SOCKETS ?? 1000);
const OTHER_USERS = Number(process.env.BENCH_USERS ?? 100);
const SESSIONS_PER_USER = 2;
const TICKS = Number(process.env.BENCH_TICKS ?? 4);
const TICK_MS = 5_000;

const cluster = await ControlPlane.start({ mode: 'lite', log: (line) => console.error(`[cluster] ${line}`) });
const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  KUBECONFIG: cluster.kubeconfigPath,
  RECONCILER_ENABLED: 'false',
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
  PGLITE_DIR: 'memory',
});
const app = await createApp(config);
await app.listen(0, '127.0.0.1');
const port = (app.getHttpServer().address() as { port: number }).port;
const db = app.get<DataSource>(getDataSourceToken());
const tokens = app.get(TokenService);
const k8s = app.get(K8sService);

try {
  // Accounts straight into the database and tokens from the signer: setup speed is not measured.
  const users = await Promise.all(
    Array.from({ length: OTHER_USERS + 1 }, async (_, index) => {
      const username = `bench-${index}-${randomUUID().slice(0, 8)}`;
      const [row] = await db.query<{ id: string }[]>(
        `INSERT INTO users (username, email) VALUES ($1, $2) RETURNING id`,
        [username, `${username}@bench.test`],
      );
      return { id: row.id, username, token: (await tokens.issue({ id: row.id, username, role: 'user' })).token };
    }),
  );
  for (const user of users)
    for (let n = 0; n < SESSIONS_PER_USER; n++)
      await k8s.sessions.create({
        metadata: { name: `${user.username}-s${n}`, labels: { 'streamspace.io/user': user.username } },
        spec: { user: user.username, template: 'bench', state: 'running' },
      });

  const open = (token: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws/sessions?token=${encodeURIComponent(token)}`);
      socket.once('message', () => resolve(socket));
      socket.once('error', reject);
    });
  const [first, ...others] = users;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < SOCKETS_OF_ONE_USER; i += 50)
    sockets.push(
      ...(await Promise.all(Array.from({ length: Math.min(50, SOCKETS_OF_ONE_USER - i) }, () => open(first.token)))),
    );
  sockets.push(...(await Promise.all(others.map((user) => open(user.token)))));
  let frames = 0;
  for (const socket of sockets) socket.on('message', () => frames++);
  console.log(
    `${sockets.length} sockets open (${SOCKETS_OF_ONE_USER} for one user, ${others.length} users with one each)`,
  );

  console.log('tick  cpu ms (user+system)  frames  rss MiB  heap MiB');
  for (let tick = 1; tick <= TICKS; tick++) {
    const cpuBefore = process.cpuUsage();
    const framesBefore = frames;
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    const cpu = process.cpuUsage(cpuBefore);
    const memory = process.memoryUsage();
    console.log(
      `${String(tick).padStart(4)}  ${String(Math.round((cpu.user + cpu.system) / 1000)).padStart(20)}  ${String(frames - framesBefore).padStart(6)}  ${String(Math.round(memory.rss / 2 ** 20)).padStart(7)}  ${String(Math.round(memory.heapUsed / 2 ** 20)).padStart(8)}`,
    );
  }
  for (const socket of sockets) socket.terminate();
} finally {
  await app.close();
  await cluster.stop();
}
