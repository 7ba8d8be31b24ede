import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Must match HELM_VERSION in test/control-plane/build-binaries.sh, which builds it. */
const HELM_VERSION = 'v3.22.0';
export const CHART_DIR = fileURLToPath(new URL('../../helm/streamspace-api', import.meta.url));

/** helm from STREAMSPACE_KUBE_BIN_DIR when it holds one, else the versioned cache folder. */
export function resolveHelm(): string {
  const candidates = [
    process.env.STREAMSPACE_KUBE_BIN_DIR && join(process.env.STREAMSPACE_KUBE_BIN_DIR, 'helm'),
    join(process.env.STREAMSPACE_CACHE_DIR || join(homedir(), '.cache', 'streamspace'), `helm-${HELM_VERSION}`, 'helm'),
  ].filter((path): path is string => Boolean(path));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next one
    }
  }
  throw new Error(`helm ${HELM_VERSION} not found in ${candidates.join(' or ')}: run \`npm run cluster:build\``);
}

/** Runs helm; rejects with its stderr. `kubeconfig` defaults to the run's cluster. */
export function helm(args: string[], kubeconfig = process.env.KUBECONFIG): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      resolveHelm(),
      args,
      {
        maxBuffer: 16 * 1024 * 1024,
        // Keep helm's caches and repository config out of the user's home.
        env: {
          ...process.env,
          KUBECONFIG: kubeconfig ?? '',
          HELM_CACHE_HOME: '/tmp/streamspace-helm/cache',
          HELM_CONFIG_HOME: '/tmp/streamspace-helm/config',
          HELM_DATA_HOME: '/tmp/streamspace-helm/data',
        },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`helm ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** A values file (JSON is YAML) in a fresh temp folder, for `--values`. */
export function valuesFile(values: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'streamspace-values-')), 'values.json');
  writeFileSync(path, JSON.stringify(values));
  return path;
}

/** `helm template` of the chart with `values`, parsed into objects. */
export async function renderChart(values: object = {}, namespace = 'streamspace'): Promise<Manifest[]> {
  const out = await helm(['template', 'rel', CHART_DIR, '--namespace', namespace, '--values', valuesFile(values)]);
  return parseManifests(out);
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}
