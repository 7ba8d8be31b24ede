import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { LeaderElection } from '../../src/database/leader-election.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { createAccount, uniqueName } from '../support/accounts.js';
import { createScratchDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startTestApp } from '../support/test-app.js';
import { TemplateCache } from '../../src/kubernetes/custom-resource.cache.js';
import { eventHandled } from '../support/settled.js';

/**
 * Each replica set here gets its own namespace and database, so which replica leads (and so
 * writes Template status) is decided by this file alone, not by other suites' servers.
 */
async function isolatedReplicas(count: number, env: NodeJS.ProcessEnv = {}) {
  const namespace = uniqueName('tpl-status');
  await kubectl(['create', 'namespace', namespace]);
  const database = await createScratchDatabase();
  const apps: NestExpressApplication[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const started = await startTestApp({ NAMESPACE: namespace, DATABASE_URL: database.url, ...env });
    apps.push(started.app);
    urls.push(started.url);
  }
  const cleanup = async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await database.drop();
    await kubectl(['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
  };
  return { namespace, apps, urls, cleanup };
}

/** A Template written straight to the API server, as another client would. */
async function applyTemplate(namespace: string, name: string, spec: object): Promise<void> {
  const manifest = { apiVersion: 'stream.space/v1alpha1', kind: 'Template', metadata: { name, namespace }, spec };
  await kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
}

const status = async (app: NestExpressApplication, name: string) =>
  (await app.get(K8sService).templates.get(name)).status;
// The CRD's pattern (\S, ASCII only in Go) lets a no-break space through; our rule does not.
const NO_BREAK_SPACE_IMAGE = 'firefox\u00a0latest';

describe('Template validation status (§5.3)', () => {
  describe('on the leader', () => {
    let replicas: Awaited<ReturnType<typeof isolatedReplicas>>;
    let leader: NestExpressApplication;

    beforeAll(async () => {
      replicas = await isolatedReplicas(1);
      [leader] = replicas.apps;
      await eventually(() => expect(leader.get(LeaderElection).isLeader).toBe(true));
    });
    afterAll(() => replicas?.cleanup());

    it('marks a Template created through the API valid, and the API shows it', async () => {
      const operator = await createAccount(leader, replicas.urls[0], { role: 'operator' });
      const name = uniqueName('valid');
      await request(replicas.urls[0])
        .post('/api/v1/templates')
        .set('Authorization', operator.bearer)
        .send({ name, displayName: 'Firefox', baseImage: 'firefox:1' })
        .expect(201);
      await eventually(async () =>
        expect(await status(leader, name)).toEqual({
          valid: true,
          message: 'Template is valid',
          observedGeneration: 1,
        }),
      );
      const read = await request(replicas.urls[0])
        .get(`/api/v1/templates/${name}`)
        .set('Authorization', operator.bearer)
        .expect(200);
      expect(read.body).toMatchObject({ valid: true, statusMessage: 'Template is valid' });
    });

    it('marks an invalid Template invalid with its first problem, and valid again once fixed', async () => {
      const name = uniqueName('invalid');
      await applyTemplate(replicas.namespace, name, { displayName: 'Broken', baseImage: NO_BREAK_SPACE_IMAGE });
      await eventually(async () =>
        expect(await status(leader, name)).toEqual({
          valid: false,
          message: 'baseImage: must not contain whitespace',
          observedGeneration: 1,
        }),
      );

      await applyTemplate(replicas.namespace, name, { displayName: 'Fixed', baseImage: 'firefox:2' });
      await eventually(async () =>
        expect(await status(leader, name)).toEqual({
          valid: true,
          message: 'Template is valid',
          observedGeneration: 2,
        }),
      );
    });

    it('leaves an up-to-date status alone', async () => {
      const name = uniqueName('stable');
      await applyTemplate(replicas.namespace, name, { displayName: 'Stable', baseImage: 'stable:1' });
      await eventually(async () => expect((await status(leader, name))?.valid).toBe(true));
      await kubectl(['-n', replicas.namespace, 'label', 'template', name, 'touched=yes']);
      const labelled = await leader.get(K8sService).templates.get(name);
      expect(labelled.metadata.labels).toMatchObject({ touched: 'yes' });
      // The label change reached the reconciler as an event; a status rewrite would change the version.
      await eventHandled(leader, leader.get(TemplateCache), name, labelled.metadata.resourceVersion);
      expect((await leader.get(K8sService).templates.get(name)).metadata.resourceVersion).toBe(
        labelled.metadata.resourceVersion,
      );
    });
  });

  it('validates what changed while nobody led, once a follower takes over', async () => {
    const replicas = await isolatedReplicas(2);
    try {
      const [first, second] = replicas.apps;
      await eventually(() => expect(first.get(LeaderElection).isLeader).toBe(true));
      expect(second.get(LeaderElection).isLeader).toBe(false);
      await first.close();

      const name = uniqueName('orphan');
      await applyTemplate(replicas.namespace, name, { displayName: 'Orphan', baseImage: NO_BREAK_SPACE_IMAGE });
      // The follower retries the lock every 15 s; it validates on taking over.
      await eventually(async () => expect((await status(second, name))?.valid).toBe(false), 30_000, 250);
      expect(second.get(LeaderElection).isLeader).toBe(true);
    } finally {
      await replicas.cleanup();
    }
  });

  it('writes no status with RECONCILER_ENABLED=false, even on the leader', async () => {
    const replicas = await isolatedReplicas(1, { RECONCILER_ENABLED: 'false' });
    try {
      const [app] = replicas.apps;
      await eventually(() => expect(app.get(LeaderElection).isLeader).toBe(true));
      const name = uniqueName('unchecked');
      await applyTemplate(replicas.namespace, name, { displayName: 'Unchecked', baseImage: NO_BREAK_SPACE_IMAGE });
      await eventHandled(app, app.get(TemplateCache), name);
      expect(await status(app, name)).toBeUndefined();
    } finally {
      await replicas.cleanup();
    }
  });
});
