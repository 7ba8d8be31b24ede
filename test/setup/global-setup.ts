import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ControlPlane } from '../cluster/control-plane.js';
import { ADMIN_DATABASE_URL, databaseUrl } from '../support/database.js';

declare global {
  // Handed from global setup to global teardown (same process).
  var __STREAMSPACE_TEST__: { controlPlane: ControlPlane; database: string } | undefined;
}

/**
 * Once per `jest` run: a fresh PostgreSQL database with a random name and a full-mode control
 * plane (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes) with our CRDs.
 * Tests find them through DATABASE_URL and KUBECONFIG.
 */
export default async function globalSetup(): Promise<void> {
  const database = `streamspace_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  let controlPlane: ControlPlane;
  try {
    controlPlane = await ControlPlane.start({ mode: 'full' });
  } catch (error) {
    await dropDatabase(database);
    throw error;
  }
  globalThis.__STREAMSPACE_TEST__ = { controlPlane, database };
  process.env.DATABASE_URL = databaseUrl(database);
  process.env.KUBECONFIG = controlPlane.kubeconfigPath;
  process.env.STREAMSPACE_TEST_POD_LOG_FILE = controlPlane.podLogFile;
}

export async function dropDatabase(database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
