import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { startTestApp } from '../support/test-app.js';

describe('launching an installed application (§3.3 step 2, §3.7 access rules)', () => {
  let app: NestExpressApplication;
  let url: string;
  let db: DataSource;
  let k8s: K8sService;
  let owner: TestAccount;
  let stranger: TestAccount;
  let operator: TestAccount;
  let catalogId: number;

  /** An installed application row with its own Template, as the Applications issue will create them. */
  async function installApplication(
    fields: { enabled?: boolean; status?: string; message?: string; template?: boolean } = {},
  ) {
    const templateName = uniqueName('app-tpl');
    const [row] = await db.query(
      `INSERT INTO installed_applications (catalog_template_id, name, template_name, display_name, manifest, folder_path,
                                           enabled, install_status, install_message, created_by)
       VALUES ($1, $2, $2, 'Paint', '{}', '/apps/paint', $3, $4, $5, $6) RETURNING id`,
      [catalogId, templateName, fields.enabled ?? true, fields.status ?? 'installed', fields.message ?? '', owner.id],
    );
    if (fields.template !== false)
      await k8s.templates.create({
        metadata: { name: templateName },
        spec: { displayName: 'Paint', baseImage: 'paint:1' },
      });
    return { id: row.id as string, templateName };
  }
  const launch = (account: TestAccount, applicationId: string) =>
    request(url)
      .post('/api/v1/sessions')
      .set('Authorization', account.bearer)
      .send({ applicationId, template: 'ignored-when-app' });

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    db = app.get<DataSource>(getDataSourceToken());
    k8s = app.get(K8sService);
    [owner, stranger, operator] = await Promise.all([
      createAccount(app, url),
      createAccount(app, url),
      createAccount(app, url, { role: 'operator' }),
    ]);
    const [catalog] = await db.query(
      `INSERT INTO catalog_templates (name, display_name, manifest) VALUES ($1, 'Paint', '{}') RETURNING id`,
      [uniqueName('paint')],
    );
    catalogId = catalog.id;
  });
  afterAll(() => app?.close());

  it("launches the application's own Template and labels the session with the application", async () => {
    const application = await installApplication();
    const session = (await launch(owner, application.id).expect(202)).body;
    expect(session).toMatchObject({ template: application.templateName, applicationId: application.id });
    expect((await k8s.sessions.get(session.name)).metadata.labels?.['streamspace.io/application']).toBe(application.id);
    const [row] = await db.query('SELECT application_id FROM sessions WHERE name = $1', [session.name]);
    expect(row.application_id).toBe(application.id);
  });

  it('refuses disabled, failed and unfinished installations', async () => {
    const disabled = await installApplication({ enabled: false });
    await launch(owner, disabled.id).expect(400, {
      error: 'Application disabled',
      message: "The application 'Paint' is currently disabled",
    });
    const failed = await installApplication({ status: 'failed', message: 'bad manifest' });
    await launch(owner, failed.id).expect(400, {
      error: 'Application installation failed',
      message: "The application 'Paint' failed to install: bad manifest",
    });
    const pending = await installApplication({ status: 'creating' });
    await launch(owner, pending.id).expect(400, {
      error: 'Application still installing',
      message: "The application 'Paint' is still being installed. Please wait and try again.",
    });
  });

  it('enforces launch access from group rows; operators always have it', async () => {
    const restricted = await installApplication();
    const [group] = await db.query(`INSERT INTO groups (name, display_name) VALUES ($1, 'Painters') RETURNING id`, [
      uniqueName('painters'),
    ]);
    await db.query(
      `INSERT INTO application_group_access (application_id, group_id, access_level) VALUES ($1, $2, 'view')`,
      [restricted.id, group.id],
    );
    await launch(stranger, restricted.id).expect(403, {
      error: 'Forbidden',
      message: "You do not have launch access to the application 'Paint'",
    });
    await db.query(`INSERT INTO group_memberships (group_id, user_id) VALUES ($1, $2)`, [group.id, stranger.id]);
    await launch(stranger, restricted.id).expect(403);
    await db.query(`UPDATE application_group_access SET access_level = 'launch' WHERE application_id = $1`, [
      restricted.id,
    ]);
    await launch(stranger, restricted.id).expect(202);
    await launch(owner, restricted.id).expect(202); // the creator
    await launch(operator, restricted.id).expect(202);
  });

  it("applies the same checks when the application's Template is named directly with {template}", async () => {
    const byTemplate = (account: TestAccount, template: string) =>
      request(url).post('/api/v1/sessions').set('Authorization', account.bearer).send({ template });
    const disabled = await installApplication({ enabled: false });
    await byTemplate(owner, disabled.templateName).expect(400, {
      error: 'Application disabled',
      message: "The application 'Paint' is currently disabled",
    });
    const restricted = await installApplication();
    const [group] = await db.query(`INSERT INTO groups (name, display_name) VALUES ($1, 'Few') RETURNING id`, [
      uniqueName('few'),
    ]);
    await db.query(
      `INSERT INTO application_group_access (application_id, group_id, access_level) VALUES ($1, $2, 'launch')`,
      [restricted.id, group.id],
    );
    await byTemplate(stranger, restricted.templateName).expect(403, {
      error: 'Forbidden',
      message: "You do not have launch access to the application 'Paint'",
    });
    expect(
      (await k8s.sessions.list({ labelSelector: `streamspace.io/template=${restricted.templateName}` })).items,
    ).toEqual([]);
    // Allowed callers launch it as the application.
    const session = (await byTemplate(operator, restricted.templateName).expect(202)).body;
    expect(session).toMatchObject({ template: restricted.templateName, applicationId: restricted.id });
  });

  it("answers 503 Template reinstalling while the application's Template is missing but its ApplicationInstall exists", async () => {
    const orphaned = await installApplication({ template: false });
    await launch(owner, orphaned.id).expect(400, {
      error: 'Template not found',
      message: `Template '${orphaned.templateName}' does not exist`,
    });
    await k8s.applicationInstalls.create({
      metadata: { name: orphaned.id },
      spec: { templateName: orphaned.templateName, displayName: 'Paint', manifest: '{}' },
    });
    const response = await launch(owner, orphaned.id).expect(503);
    expect(response.body).toMatchObject({
      error: 'Template reinstalling',
      message: "The template for 'Paint' was missing and is being recreated. Please try again in a few seconds.",
    });
    expect(response.headers['retry-after']).toBe('5');
  });
});
