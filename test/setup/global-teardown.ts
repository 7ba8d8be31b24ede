// Loaded by jest outside its ESM module system: only package imports here, no project files.
import { rmSync } from 'node:fs';

/** Stops the control plane (its CLI stops every process it started) and drops the database. */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__STREAMSPACE_TEST__;
  if (!state) return;
  globalThis.__STREAMSPACE_TEST__ = undefined;
  const stopped = new Promise<void>((resolve) => {
    if (state.cluster.exitCode !== null) return resolve();
    state.cluster.once('exit', () => resolve());
    state.cluster.kill('SIGTERM');
  });
  await state.dropDatabase();
  await stopped;
  rmSync(state.stateDir, { recursive: true, force: true });
}
