import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { KubernetesNotFoundError } from '../../src/kubernetes/kubernetes-errors.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import {
  type ApplicationsApp,
  catalogId,
  installApplication,
  installedTemplate,
  startApplicationsApp,
} from './applications-fixture.js';
import { ApplicationInstallCache } from '../../src/applications/application-install.cache.js';
import { TemplateCache } from '../../src/kubernetes/custom-resource.cache.js';
import { eventHandled } from '../support/settled.js';

const NOT_FOUND = { error: 'Application not found', message: 'The application does not exist or was deleted' };

describe('installing and uninstalling applications (§3.7, §5.7)', () => {
  let env: ApplicationsApp;
  let operator: TestAccount;
  let firefox: number;

  const counts = async () => {
    const [row] = await env.db.query(
      `SELECT (SELECT count(*)::int FROM installed_applications) AS rows,
              (SELECT count(*)::int FROM application_group_access) AS grants,
              (SELECT install_count FROM catalog_templates WHERE name = 'firefox') AS installs`,
    );
    const installs = (await env.k8s.applicationInstalls.list()).items.length;
    return { ...row, applicationInstalls: installs };
  };

  beforeAll(async () => {
    env = await startApplicationsApp();
    operator = await createAccount(env.app, env.url, { role: 'operator' });
    firefox = await catalogId(env, 'firefox');
  });
  afterAll(() => env?.close());

  it('installs a catalog entry as a row plus an ApplicationInstall that becomes its own Ready Template', async () => {
    const before = await counts();
    const application = await installApplication(env, operator, {
      catalogTemplateId: firefox,
      displayName: 'Team Firefox',
      configuration: { homepage: 'x' },
    });
    expect(application).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      catalogTemplateId: firefox,
      name: expect.stringMatching(/^firefox-[0-9a-f]{8}$/),
      templateName: application.name,
      templateDisplayName: 'Firefox',
      displayName: 'Team Firefox',
      description: expect.stringContaining('Mozilla'),
      category: 'Web Browsers',
      appType: 'desktop',
      icon: 'https://raw.githubusercontent.com/linuxserver/docker-templates/master/linuxserver.io/img/firefox-logo.png',
      folderPath: `apps/${application.name}`,
      enabled: true,
      configuration: { homepage: 'x' },
      platform: 'kubernetes',
      installStatus: 'pending',
      installMessage: '',
      createdBy: operator.id,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      groups: [],
    });
    expect((await counts()).installs).toBe(before.installs + 1);

    const install = await env.k8s.applicationInstalls.get(application.id);
    expect(install.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'streamspace-api',
      'streamspace.io/catalog-id': String(firefox),
      'streamspace.io/installed-by': operator.username,
    });
    expect(install.spec).toMatchObject({
      templateName: application.name,
      displayName: 'Team Firefox',
      catalogTemplateID: firefox,
      installedBy: operator.username,
    });
    expect(JSON.parse(install.spec.manifest)).toMatchObject({ baseImage: 'lscr.io/linuxserver/firefox:latest' });

    const template = await installedTemplate(env, application);
    expect(template.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'stream.space/v1alpha1',
        kind: 'ApplicationInstall',
        name: application.id,
        uid: install.metadata.uid,
        controller: true,
      },
    ]);
    expect(template.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'streamspace-api',
      'streamspace.io/catalog-id': String(firefox),
      'streamspace.io/application-install': application.id,
      'streamspace.io/installed-by': operator.username,
    });
    expect(template.spec).toMatchObject({
      displayName: 'Team Firefox',
      baseImage: 'lscr.io/linuxserver/firefox:latest',
      vnc: { enabled: true, port: 3000 },
    });
    const ready = await env.k8s.applicationInstalls.get(application.id);
    expect(ready.status).toMatchObject({
      phase: 'Ready',
      message: 'Template ready',
      templateName: application.name,
      templateNamespace: env.namespace,
      observedGeneration: ready.metadata.generation,
    });
    const { body } = await request(env.url)
      .get(`/api/v1/applications/${application.id}`)
      .set('Authorization', operator.bearer)
      .expect(200);
    expect(body).toMatchObject({ installStatus: 'installed', installMessage: 'Template ready' });

    // Settled: further passes write nothing.
    const versions = async () => [
      (await env.k8s.templates.get(application.templateName)).metadata.resourceVersion,
      (await env.k8s.applicationInstalls.get(application.id)).metadata.resourceVersion,
    ];
    const settled = await versions();
    await eventHandled(env.app, env.app.get(TemplateCache), application.templateName, settled[0]);
    await eventHandled(env.app, env.app.get(ApplicationInstallCache), application.id, settled[1]);
    expect(await versions()).toEqual(settled);
    expect(JSON.parse(body.manifest)).toMatchObject({ displayName: 'Firefox' });
  });

  it('gives two installations of one entry two Templates; uninstalling one leaves the other', async () => {
    const [first, second] = [
      await installApplication(env, operator, { catalogTemplateId: firefox }),
      await installApplication(env, operator, { catalogTemplateId: firefox }),
    ];
    expect(first.templateName).not.toBe(second.templateName);
    await installedTemplate(env, first);
    await installedTemplate(env, second);

    await request(env.url)
      .delete(`/api/v1/applications/${first.id}`)
      .set('Authorization', operator.bearer)
      .expect(200, { message: 'Application deleted successfully' });
    await expect(env.k8s.applicationInstalls.get(first.id)).rejects.toBeInstanceOf(KubernetesNotFoundError);
    expect(await env.db.query('SELECT id FROM installed_applications WHERE id = $1', [first.id])).toEqual([]);
    await request(env.url)
      .get(`/api/v1/applications/${first.id}`)
      .set('Authorization', operator.bearer)
      .expect(404, NOT_FOUND);
    // The garbage collector removes the owned Template.
    await eventually(
      () => expect(env.k8s.templates.get(first.templateName)).rejects.toBeInstanceOf(KubernetesNotFoundError),
      60_000,
      500,
    );
    expect((await env.k8s.templates.get(second.templateName)).metadata.name).toBe(second.templateName);
    await request(env.url)
      .delete(`/api/v1/applications/${first.id}`)
      .set('Authorization', operator.bearer)
      .expect(404, NOT_FOUND);
  });

  it('leaves sessions launched from an application running when it is uninstalled', async () => {
    const application = await installApplication(env, operator, { catalogTemplateId: firefox });
    await installedTemplate(env, application);
    const { body: session } = await request(env.url)
      .post('/api/v1/sessions')
      .set('Authorization', operator.bearer)
      .send({ applicationId: application.id })
      .expect(202);
    expect(session).toMatchObject({ template: application.templateName, applicationId: application.id });
    await request(env.url)
      .delete(`/api/v1/applications/${application.id}`)
      .set('Authorization', operator.bearer)
      .expect(200);
    expect((await env.k8s.sessions.get(session.name)).spec.state).toBe('running');
    const [row] = await env.db.query('SELECT application_id, deleted_at FROM sessions WHERE name = $1', [session.name]);
    expect(row).toEqual({ application_id: null, deleted_at: null });
    await request(env.url).get(`/api/v1/sessions/${session.name}`).set('Authorization', operator.bearer).expect(200);
  });

  it('re-creates a Template deleted by hand', async () => {
    const application = await installApplication(env, operator, { catalogTemplateId: firefox });
    const original = await installedTemplate(env, application);
    await kubectl(['delete', 'templates.stream.space', application.templateName, '-n', env.namespace]);
    const recreated = await eventually(
      async () => {
        const template = await env.k8s.templates.get(application.templateName);
        expect(template.metadata.uid).not.toBe(original.metadata.uid);
        return template;
      },
      30_000,
      200,
    );
    expect(recreated.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ApplicationInstall', name: application.id });
    await installedTemplate(env, application);
  });

  it('carries a new display name to the ApplicationInstall and the Template; configuration is only stored', async () => {
    const application = await installApplication(env, operator, { catalogTemplateId: firefox });
    await installedTemplate(env, application);
    const { body } = await request(env.url)
      .put(`/api/v1/applications/${application.id}`)
      .set('Authorization', operator.bearer)
      .send({ displayName: 'Renamed Fox', configuration: { theme: 'dark' }, name: 'ignored' })
      .expect(200);
    expect(body).toMatchObject({
      id: application.id,
      displayName: 'Renamed Fox',
      configuration: { theme: 'dark' },
      name: application.name,
    });
    expect((await env.k8s.applicationInstalls.get(application.id)).spec.displayName).toBe('Renamed Fox');
    await eventually(
      async () => expect((await env.k8s.templates.get(application.templateName)).spec.displayName).toBe('Renamed Fox'),
      30_000,
      200,
    );
  });

  it('reports a manifest that cannot become a Template as failed', async () => {
    const name = uniqueName('broken');
    const [{ id }] = await env.db.query(
      `INSERT INTO catalog_templates (name, display_name, manifest) VALUES ($1, 'Broken', '{"displayName":"Broken"}') RETURNING id`,
      [name],
    );
    const application = await installApplication(env, operator, { catalogTemplateId: id });
    await eventually(
      async () => {
        const [row] = await env.db.query(
          'SELECT install_status, install_message FROM installed_applications WHERE id = $1',
          [application.id],
        );
        expect(row).toEqual({
          install_status: 'failed',
          install_message: expect.stringMatching(/^Failed to parse manifest: baseImage: /),
        });
      },
      30_000,
      200,
    );
    await expect(env.k8s.templates.get(application.templateName)).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });

  it('marks the installation failed when a Template of that name belongs to something else', async () => {
    const templateName = uniqueName('squatted');
    await env.k8s.templates.create({
      metadata: { name: templateName },
      spec: { displayName: 'Squatter', baseImage: 'x:1' },
    });
    const installName = randomUUID();
    await env.k8s.applicationInstalls.create({
      metadata: { name: installName },
      spec: {
        templateName,
        displayName: 'Claimant',
        manifest: JSON.stringify({ displayName: 'Claimant', baseImage: 'y:1' }),
      },
    });
    await eventually(
      async () => {
        const install = await env.k8s.applicationInstalls.get(installName);
        expect(install.status).toMatchObject({
          phase: 'Failed',
          message: `Template '${templateName}' already exists and is not managed by this installation`,
        });
      },
      30_000,
      200,
    );
    expect((await env.k8s.templates.get(templateName)).spec.displayName).toBe('Squatter');
    await env.k8s.applicationInstalls.delete(installName);
    await env.k8s.templates.delete(templateName);
  });

  it('rolls the row back when Kubernetes refuses the ApplicationInstall', async () => {
    // A display name the ApplicationInstall schema refuses (over 128 characters).
    const name = uniqueName('longname');
    const [{ id }] = await env.db.query(
      `INSERT INTO catalog_templates (name, display_name, manifest) VALUES ($1, $2, '{}') RETURNING id`,
      [name, 'x'.repeat(200)],
    );
    const before = await counts();
    const { body } = await request(env.url)
      .post('/api/v1/applications')
      .set('Authorization', operator.bearer)
      .send({ catalogTemplateId: id })
      .expect(400);
    expect(body.error).toBe('Invalid resource');
    expect(await counts()).toEqual(before);
    expect(
      (await env.db.query('SELECT install_count FROM catalog_templates WHERE id = $1', [id]))[0].install_count,
    ).toBe(0);
  });

  it('deletes the ApplicationInstall and answers 503 when the commit fails', async () => {
    // A deferred constraint trigger fails only at COMMIT, after the ApplicationInstall exists.
    await env.db.query(`CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN RAISE EXCEPTION 'commit refused'; END $$`);
    await env.db.query(`CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT ON installed_applications
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.display_name = 'Doomed') EXECUTE FUNCTION fail_commit()`);
    try {
      const before = await counts();
      const { body } = await request(env.url)
        .post('/api/v1/applications')
        .set('Authorization', operator.bearer)
        .send({ catalogTemplateId: firefox, displayName: 'Doomed' })
        .expect(503);
      expect(body).toMatchObject({ error: 'Database unavailable' });
      expect(await counts()).toEqual(before);
    } finally {
      await env.db.query('DROP TRIGGER fail_commit ON installed_applications');
      await env.db.query('DROP FUNCTION fail_commit()');
    }
  });

  it.each([
    [{}, 400, 'Invalid request'],
    [{ catalogTemplateId: 'firefox' }, 400, 'Invalid request'],
    [{ catalogTemplateId: 1.5 }, 400, 'Invalid request'],
    [{ catalogTemplateId: 1, displayName: '' }, 400, 'Invalid request'],
    [{ catalogTemplateId: 1, groupIds: 'all' }, 400, 'Invalid request'],
    [{ catalogTemplateId: 1, platform: 'docker' }, 400, 'Unsupported platform'],
    [{ catalogTemplateId: 999999 }, 400, 'Catalog template not found'],
    [{ catalogTemplateId: 2147483648 }, 400, 'Catalog template not found'],
    [{ catalogTemplateId: 1e30 }, 400, 'Catalog template not found'],
    [{ catalogTemplateId: 1, groupIds: ['00000000-0000-0000-0000-000000000000'] }, 400, 'Group not found'],
    [{ catalogTemplateId: 1, groupIds: ['not-a-uuid'] }, 400, 'Group not found'],
  ])('refuses %j with %i %s and writes nothing', async (body, status, error) => {
    const before = await counts();
    const response = await request(env.url)
      .post('/api/v1/applications')
      .set('Authorization', operator.bearer)
      .send(body)
      .expect(status);
    expect(response.body.error).toBe(error);
    expect(await counts()).toEqual(before);
  });

  it('words the refusals as the contract does', async () => {
    const send = (body: object) =>
      request(env.url).post('/api/v1/applications').set('Authorization', operator.bearer).send(body);
    await send({ catalogTemplateId: firefox, platform: 'docker' }).expect(400, {
      error: 'Unsupported platform',
      message: 'Only the kubernetes platform is supported',
    });
    await send({ catalogTemplateId: 999999 }).expect(400, {
      error: 'Catalog template not found',
      message: 'No catalog template with ID 999999',
    });
    await send({ catalogTemplateId: firefox, groupIds: ['nope'] }).expect(400, {
      error: 'Group not found',
      message: 'No group with ID nope',
    });
  });
});
