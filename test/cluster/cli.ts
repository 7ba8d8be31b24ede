// `npm run cluster [lite|full]`: a local control plane that stays up until Ctrl-C / SIGTERM.
import { join } from 'node:path';
import { type ClusterMode, ControlPlane, resolveBinDir } from './control-plane.js';

const mode = (process.argv[2] ?? 'full') as ClusterMode;
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
const kubectl = join(binDir, 'kubectl');
console.log(`
${mode} control plane running at ${cluster.apiServerUrl}
  kubeconfig: ${cluster.kubeconfigPath}
  logs:       ${join(cluster.workDir, 'logs')}${mode === 'full' ? `\n  pod log:    ${cluster.podLogFile}` : ''}

  ${kubectl} --kubeconfig ${cluster.kubeconfigPath} get nodes

Press Ctrl-C to stop.`);

const shutdown = async (signal: NodeJS.Signals) => {
  log(`${signal}: stopping`);
  await cluster.stop();
  log('stopped');
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
