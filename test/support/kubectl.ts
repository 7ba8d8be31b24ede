import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { resolveBinDir } from '../control-plane/control-plane.js';

/**
 * Runs the harness's kubectl against the run's cluster (KUBECONFIG), so tests can change
 * objects "behind the server's back", exactly as another client would.
 */
export function kubectl(args: string[], input?: string, kubeconfig = process.env.KUBECONFIG): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(resolveBinDir(), 'kubectl'),
      ['--kubeconfig', kubeconfig ?? '', ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
