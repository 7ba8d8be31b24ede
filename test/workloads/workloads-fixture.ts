import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { LeaderElection } from '../../src/database/leader-election.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import type { Condition, SessionResource, TemplateSpec } from '../../src/kubernetes/resources.js';
import { createScratchDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { sessionManifest } from '../support/kubernetes.js';
import { startTestApp } from '../support/test-app.js';

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface WorkloadsApp {
  app: NestExpressApplication;
  k8s: K8sService;
  namespace: string;
  close(): Promise<void>;
}

/** A namespace and a database of its own, so no other suite's server reconciles these Sessions or competes for leadership. */
export async function isolatedScope(): Promise<{ namespace: string; databaseUrl: string; drop(): Promise<void> }> {
  const namespace = unique('wl');
  await kubectl(['create', 'namespace', namespace]);
  const database = await createScratchDatabase();
  return {
    namespace,
    databaseUrl: database.url,
    drop: async () => {
      await database.drop();
      await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    },
  };
}

/** The whole application in `scope`; `close` stops it (and drops the scope when it made it). */
export async function startAppIn(
  scope: { namespace: string; databaseUrl: string },
  env: NodeJS.ProcessEnv = {},
): Promise<WorkloadsApp> {
  const { app } = await startTestApp({ NAMESPACE: scope.namespace, DATABASE_URL: scope.databaseUrl, ...env });
  return { app, k8s: app.get(K8sService), namespace: scope.namespace, close: () => app.close() };
}

/** The whole application in a scope of its own; resolves once it leads. */
export async function startWorkloadsApp(env: NodeJS.ProcessEnv = {}): Promise<WorkloadsApp> {
  const scope = await isolatedScope();
  const started = await startAppIn(scope, env);
  await eventually(() => expect(started.app.get(LeaderElection).isLeader).toBe(true), 20_000, 100);
  return {
    ...started,
    close: async () => {
      await started.close();
      await scope.drop();
    },
  };
}

export function templateSpec(change: Partial<TemplateSpec> = {}): TemplateSpec {
  return {
    displayName: 'Firefox',
    baseImage: 'lscr.io/linuxserver/firefox:latest',
    env: [{ name: 'TZ', value: 'Europe/Berlin' }],
    vnc: { enabled: true, port: 3000 },
    ...change,
  };
}

export function createSession(k8s: K8sService, name: string, user: string, spec: Partial<SessionResource['spec']>) {
  const manifest = sessionManifest(name, user, {
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } },
    ...spec,
  });
  return k8s.sessions.create(manifest);
}

export const condition = (session: SessionResource, type: string): Condition | undefined =>
  session.status?.conditions?.find((c) => c.type === type);

/** Waits until the Session (read fresh) passes `check`; returns it. */
export function sessionEventually(
  k8s: K8sService,
  name: string,
  check: (session: SessionResource) => void,
  timeoutMs = 30_000,
): Promise<SessionResource> {
  return eventually(
    async () => {
      const session = await k8s.sessions.get(name);
      check(session);
      return session;
    },
    timeoutMs,
    200,
  );
}
