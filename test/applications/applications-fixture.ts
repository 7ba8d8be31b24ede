import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { LeaderElection } from '../../src/database/leader-election.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import type { TemplateResource } from '../../src/kubernetes/resources.js';
import type { TestAccount } from '../support/accounts.js';
import { createScratchDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startTestApp } from '../support/test-app.js';

export interface ApplicationsApp {
  app: NestExpressApplication;
  url: string;
  k8s: K8sService;
  db: DataSource;
  namespace: string;
  close(): Promise<void>;
}

/**
 * The whole server with a namespace and a database of its own, leading (so its ApplicationInstall
 * reconciler runs), seeded from the bundled catalog. Other suites' servers never touch its objects.
 */
export async function startApplicationsApp(env: NodeJS.ProcessEnv = {}): Promise<ApplicationsApp> {
  const namespace = `apps-${randomBytes(4).toString('hex')}`;
  await kubectl(['create', 'namespace', namespace]);
  const database = await createScratchDatabase();
  const { app, url } = await startTestApp({ NAMESPACE: namespace, DATABASE_URL: database.url, ...env });
  await eventually(() => expect(app.get(LeaderElection).isLeader).toBe(true), 20_000, 100);
  return {
    app,
    url,
    namespace,
    k8s: app.get(K8sService),
    db: app.get<DataSource>(getDataSourceToken()),
    close: async () => {
      await app.close();
      await database.drop();
      await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    },
  };
}

export async function catalogId(env: ApplicationsApp, name: string): Promise<number> {
  const [row] = await env.db.query<{ id: number }[]>('SELECT id FROM catalog_templates WHERE name = $1', [name]);
  return row.id;
}

/** POST /applications as `account`; the 201 body. */
export async function installApplication(env: ApplicationsApp, account: TestAccount, body: object) {
  const response = await request(env.url).post('/api/v1/applications').set('Authorization', account.bearer).send(body);
  expect(response.status).toBe(201);
  return response.body as {
    id: string;
    name: string;
    templateName: string;
    displayName: string;
    installStatus: string;
  };
}

/** Waits for the reconciler to report the application installed; returns its Template. */
export async function installedTemplate(
  env: ApplicationsApp,
  application: { id: string; templateName: string },
): Promise<TemplateResource> {
  return eventually(
    async () => {
      const [row] = await env.db.query('SELECT install_status FROM installed_applications WHERE id = $1', [
        application.id,
      ]);
      expect(row.install_status).toBe('installed');
      return env.k8s.templates.get(application.templateName);
    },
    30_000,
    200,
  );
}
