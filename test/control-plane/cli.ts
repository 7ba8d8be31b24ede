// `npm run cluster [lite|full]`: a local control plane that stays up until Ctrl-C / SIGTERM.
// `--state-file PATH` writes {kubeconfigPath, podLogFile, ...} as JSON once it is ready; jest's
// global setup uses that, because it cannot load the ESM harness in-process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClusterMode, ControlPlane, resolveBinDir } from './control-plane.js';

const args = process.argv.slice(2);
const stateFileFlag = args.indexOf('--state-file');
const stateFile = stateFileFlag >= 0 ? args.splice(stateFileFlag, 2)[1] : undefined;
const mode = (args[0] ?? 'full') as ClusterMode;
if (mode !== 'lite' && mode !== 'full') {
  console.error('usage: npm run cluster [lite|full]');
  process.exit(2);
}

const log = (line: string) => console.log(`[cluster] ${line}`);

let binDir: string;
try {
  binDir = resolveBinDir();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const cluster = await ControlPlane.start({ mode, binDir, log });
if (stateFile) {
  const { kubeconfigPath, podLogFile, apiServerUrl, workDir, fakeNodeNames } = cluster;
  const state = { kubeconfigPath, podLogFile, apiServerUrl, workDir, fakeNodeNames, kubectl: join(binDir, 'kubectl') };
  writeFileSync(stateFile, JSON.stringify(state));
}
const kubectl = join(binDir, 'kubectl');
console.log(`
${mode} control plane running at ${cluster.apiServerUrl}
  kubeconfig: ${cluster.kubeconfigPath}
  logs:       ${join(cluster.workDir, 'logs')}${mode === 'full' ? `\n  pod log:    ${cluster.podLogFile}` : ''}

  ${kubectl} --kubeconfig ${cluster.kubeconfigPath} get nodes

Press Ctrl-C to stop.`);

let stopping = false;
const shutdown = async (reason: string) => {
  if (stopping) return;
  stopping = true;
  log(`${reason}: stopping`);
  await cluster.stop();
  log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// `kill <npm pid>` (SIGTERM) kills npm's `sh -c` wrapper and orphans this process: stop with it.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown('parent process exited');
}, 1_000);
