// Loaded by jest outside its ESM module system: only package imports here, no project files.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { TestEnvironment } from 'jest-environment-node';

const execFileAsync = promisify(execFile);
const DELETE_TIMEOUT = '90s';

/** `kubectl` of the run's cluster (global setup exports both paths). */
async function kubectl(args: string[], input?: string): Promise<void> {
  const { KUBECONFIG, STREAMSPACE_TEST_KUBECTL } = process.env;
  if (!KUBECONFIG || !STREAMSPACE_TEST_KUBECTL) throw new Error('the run has no test cluster (global setup)');
  const child = execFileAsync(STREAMSPACE_TEST_KUBECTL, ['--kubeconfig', KUBECONFIG, ...args]);
  child.child.stdin?.end(input ?? '');
  await child;
}

/** `test/<dir>/<file>.e2e-spec.ts` → `t-<dir>-<file>-<random>`, a valid namespace name (≤ 63). */
export function namespaceFor(testPath: string): string {
  const file = basename(testPath).replace(/\.e2e-spec\.ts$/, '');
  const dir = basename(testPath.slice(0, -basename(testPath).length - 1));
  const slug = `${dir}-${file}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 48)
    .replace(/-+$/, '');
  return `t-${slug}-${randomBytes(3).toString('hex')}`;
}

/**
 * Every integration file runs in a namespace of its own: NAMESPACE in the file's environment, so
 * `testConfig()` (and every server and K8sService a file starts) uses it. Files cannot see each
 * other's Sessions, Templates, settings ConfigMap or workloads, and results do not depend on file
 * order. Created (with its default ServiceAccount) before the file's first hook; deleted after its
 * last one, pass or fail, and waited for, so no pod of this file is left on the shared nodes.
 */
export default class NamespaceEnvironment extends TestEnvironment {
  private readonly namespace: string;

  constructor(...[config, context]: ConstructorParameters<typeof TestEnvironment>) {
    super(config, context);
    this.namespace = namespaceFor(context.testPath);
    // The file's own copy of process.env (jest gives each file one).
    this.global.process.env.NAMESPACE = this.namespace;
  }

  override async setup(): Promise<void> {
    await super.setup();
    await kubectl(['create', 'namespace', this.namespace]);
    // Workloads run as the default ServiceAccount: do not wait for the controller-manager to make it.
    await kubectl(['create', 'serviceaccount', 'default', '-n', this.namespace]).catch((error: Error) => {
      if (!/already ?exists/i.test(error.message)) throw error;
    });
  }

  override async teardown(): Promise<void> {
    try {
      await kubectl(['delete', 'namespace', this.namespace, '--ignore-not-found', `--timeout=${DELETE_TIMEOUT}`]);
    } finally {
      await super.teardown();
    }
  }
}
