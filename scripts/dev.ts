// `npm run dev`: the server from source with embedded PGlite, and, when no KUBECONFIG is set, a
// local full-mode control plane from the test harness (CRDs applied, fake nodes that run pods).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ControlPlane } from '../test/control-plane/control-plane.js';

const log = (line: string) => console.error(`[dev] ${line}`);

let cluster: ControlPlane | undefined;
const env = { ...process.env };
const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST);
if (!env.KUBECONFIG && !inCluster) {
  // Builds the binaries once (minutes, with progress) into the cache outside the clone.
  const build = spawnSync('bash', ['test/control-plane/build-binaries.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
  log('starting a local Kubernetes control plane (full mode)...');
  cluster = await ControlPlane.start({ mode: 'full', log });
  env.KUBECONFIG = cluster.kubeconfigPath;
  log(`kubeconfig: ${cluster.kubeconfigPath}`);
} else if (env.KUBECONFIG && !existsSync(env.KUBECONFIG)) {
  log(`KUBECONFIG=${env.KUBECONFIG} does not exist`);
  process.exit(1);
}

// Own process group, so that a Ctrl-C reaches the server once, from us: the terminal and npm both
// signal this process, and a second signal would cut the server's drain short.
const server: ChildProcess = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
  env,
  stdio: 'inherit',
  detached: true,
});
// Backstop if this process ends some other way (the server is not in our process group).
process.on('exit', () => server.kill('SIGKILL'));

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  if (cluster) {
    await cluster.stop();
    log('local cluster stopped');
  }
  process.exit(code);
};
server.on('exit', (code) => void stop(code ?? 0));

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    log(`${signal}: stopping the server${cluster ? ', then the local cluster' : ''}`);
    server.kill('SIGTERM');
  });
}
