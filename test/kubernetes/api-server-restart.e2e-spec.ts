import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ControlPlane } from '../control-plane/control-plane.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { createTemplate } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';
import { testNamespace } from '../support/namespace.js';

/**
 * Issue 17 item 3: a private API server is stopped and started again while sessions are created
 * and listed. Requests meanwhile fail with 503 (never another 5xx), the watch caches re-sync
 * within 10 s of its return, and every session is listed and reconciled once.
 */
describe('Kubernetes API server restart', () => {
  let plane: ControlPlane;
  let app: NestExpressApplication;
  let url: string;
  let user: TestAccount;
  let template: string;
  const kube = (args: string[]) => kubectl(args, undefined, plane.kubeconfigPath);
  const create = () =>
    request(url)
      .post('/api/v1/sessions')
      .set('Authorization', user.bearer)
      .send({ template, persistentHome: false, resources: { cpu: '100m', memory: '128Mi' } });
  const listed = async () =>
    (
      (await request(url).get('/api/v1/sessions').set('Authorization', user.bearer).expect(200)).body.sessions as {
        name: string;
      }[]
    ).map((session) => session.name);

  beforeAll(async () => {
    plane = await ControlPlane.start({ mode: 'lite' });
    ({ app, url } = await startTestApp({ KUBECONFIG: plane.kubeconfigPath }));
    user = await createAccount(app, url);
    template = await createTemplate(app);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await plane?.stop();
  });

  it('answers 503 while it is down, re-syncs within 10 s of its return, and loses or doubles nothing', async () => {
    const before = [(await create().expect(202)).body.name as string];

    await plane.stopApiServer();
    const during = await Promise.all([
      create(),
      create(),
      request(url).get('/api/v1/sessions').set('Authorization', user.bearer),
    ]);
    for (const answer of during) {
      expect([200, 202, 503]).toContain(answer.status);
      if (answer.status === 503)
        expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    expect(during.slice(0, 2).map((answer) => answer.status)).toEqual([503, 503]);

    await plane.startApiServer();
    const backAt = Date.now();
    // A session written behind the server's back shows that the watch is live again.
    const outside = `outside-${backAt}`;
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'stream.space/v1alpha1',
        kind: 'Session',
        metadata: { name: outside, namespace: testNamespace(), labels: { 'streamspace.io/user': user.username } },
        spec: { user: user.username, template, state: 'running', persistentHome: false },
      }),
      plane.kubeconfigPath,
    );
    await eventually(async () => expect(await listed()).toContain(outside), 10_000, 100);
    const resyncMs = Date.now() - backAt;
    process.stdout.write(`API server restart: watch caches live again ${resyncMs} ms after its return\n`);

    const after = [(await eventually(() => create().expect(202))).body.name as string];
    const all = [...before, outside, ...after];
    await eventually(async () => expect(await listed()).toEqual(expect.arrayContaining(all)), 10_000, 200);
    // Reconciled, each exactly once: one Deployment and one Service per session.
    await eventually(
      async () => {
        for (const name of all) {
          for (const kind of ['deployments', 'services']) {
            const names = (
              await kube(['get', kind, '-n', testNamespace(), '-l', `streamspace.io/session=${name}`, '-o', 'name'])
            )
              .split('\n')
              .filter(Boolean);
            expect(names).toHaveLength(1);
          }
        }
      },
      30_000,
      500,
    );
  }, 180_000);
});
