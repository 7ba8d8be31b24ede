import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { KubernetesNotFoundError } from '../../src/kubernetes/kubernetes-errors.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { type ApplicationsApp, catalogId, installApplication, startApplicationsApp } from './applications-fixture.js';
import { ApplicationInstallCache } from '../../src/applications/application-install.cache.js';
import { eventHandled } from '../support/settled.js';

/** RECONCILER_ENABLED=false (§5.9): another controller owns Templates; the row still follows the status. */
describe('applications with the reconciler switched off', () => {
  let env: ApplicationsApp;
  let operator: TestAccount;

  beforeAll(async () => {
    env = await startApplicationsApp({ RECONCILER_ENABLED: 'false' });
    operator = await createAccount(env.app, env.url, { role: 'operator' });
  });
  afterAll(() => env?.close());

  it('writes the ApplicationInstall but no Template, and mirrors the status another controller reports', async () => {
    const application = await installApplication(env, operator, {
      catalogTemplateId: await catalogId(env, 'inkscape'),
    });
    expect((await env.k8s.applicationInstalls.get(application.id)).spec.templateName).toBe(application.templateName);
    await eventHandled(env.app, env.app.get(ApplicationInstallCache), application.id);
    await expect(env.k8s.templates.get(application.templateName)).rejects.toBeInstanceOf(KubernetesNotFoundError);
    expect((await env.k8s.applicationInstalls.get(application.id)).status?.phase).toBeUndefined();

    await env.k8s.applicationInstalls.patchStatus(application.id, { phase: 'Creating', message: 'Working on it' });
    const read = () =>
      request(env.url).get(`/api/v1/applications/${application.id}`).set('Authorization', operator.bearer).expect(200);
    await eventually(async () =>
      expect((await read()).body).toMatchObject({ installStatus: 'creating', installMessage: 'Working on it' }),
    );
    await env.k8s.applicationInstalls.patchStatus(application.id, { phase: 'Ready', message: 'Template ready' });
    await eventually(async () =>
      expect((await read()).body).toMatchObject({ installStatus: 'installed', installMessage: 'Template ready' }),
    );
    await env.k8s.applicationInstalls.patchStatus(application.id, { phase: 'Failed', message: 'boom' });
    await eventually(async () =>
      expect((await read()).body).toMatchObject({ installStatus: 'failed', installMessage: 'boom' }),
    );
  });
});
