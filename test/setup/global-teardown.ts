import { dropDatabase } from './global-setup.js';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__STREAMSPACE_TEST__;
  if (!state) return;
  globalThis.__STREAMSPACE_TEST__ = undefined;
  await Promise.allSettled([state.controlPlane.stop(), dropDatabase(state.database)]);
}
