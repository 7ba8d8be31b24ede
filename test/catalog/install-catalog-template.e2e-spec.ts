import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../../src/kubernetes/kubernetes-errors.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { catalogEntry, startCatalogApp, temporaryCatalogFile } from './catalog-fixture.js';

describe('POST /api/v1/catalog/templates/:id/install and /catalog/install?id= (§3.6)', () => {
  const names = { paint: uniqueName('cat-paint'), alias: uniqueName('cat-alias'), dropped: uniqueName('cat-dropped') };
  const file = temporaryCatalogFile([
    catalogEntry(names.paint, {
      displayName: 'Paint',
      category: 'Graphics',
      tags: ['draw'],
      vnc: { port: 3000 },
      defaultResources: { memory: '1Gi' },
    }),
    catalogEntry(names.alias),
    catalogEntry(names.dropped),
  ]);
  let env: Awaited<ReturnType<typeof startCatalogApp>>;
  let k8s: K8sService;
  let operator: TestAccount;
  let user: TestAccount;
  const created: string[] = [];
  const idOf = async (name: string) =>
    (await env.db.query<{ id: number }[]>('SELECT id FROM catalog_templates WHERE name = $1', [name]))[0].id;
  const installs = async (name: string) =>
    (
      await env.db.query<{ install_count: number }[]>('SELECT install_count FROM catalog_templates WHERE name = $1', [
        name,
      ])
    )[0].install_count;

  beforeAll(async () => {
    env = await startCatalogApp({ CATALOG_FILE: file.path });
    k8s = env.app.get(K8sService);
    [operator, user] = await Promise.all([
      createAccount(env.app, env.url, { role: 'operator' }),
      createAccount(env.app, env.url),
    ]);
  });
  afterAll(async () => {
    for (const name of created) await k8s.templates.delete(name).catch(() => undefined);
    await env?.close();
    file.remove();
  });

  it('creates a plain Template named after the entry, labelled with the catalog id, and counts the install', async () => {
    const id = await idOf(names.paint);
    const { body } = await request(env.url)
      .post(`/api/v1/catalog/templates/${id}/install`)
      .set('Authorization', operator.bearer)
      .expect(201);
    created.push(names.paint);
    expect(body).toMatchObject({
      message: 'Template installed successfully',
      name: names.paint,
      namespace: k8s.namespace,
      template: {
        name: names.paint,
        displayName: 'Paint',
        category: 'Graphics',
        tags: ['draw'],
        defaultResources: { memory: '1Gi' },
        applicationId: null,
      },
    });
    const template = await k8s.templates.get(names.paint);
    expect(template.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'streamspace-api',
      'streamspace.io/catalog-id': String(id),
    });
    expect(template.metadata.ownerReferences).toBeUndefined();
    expect(template.spec).toMatchObject({
      displayName: 'Paint',
      baseImage: `registry.example/${names.paint}:1`,
      vnc: { enabled: true, port: 3000 },
    });
    expect(await installs(names.paint)).toBe(1);

    await request(env.url)
      .post(`/api/v1/catalog/templates/${id}/install`)
      .set('Authorization', operator.bearer)
      .expect(409, { error: 'Template already exists', message: `A template named '${names.paint}' already exists` });
    expect(await installs(names.paint)).toBe(1);
  });

  it('offers the same through the ?id= alias, which needs the id', async () => {
    const id = await idOf(names.alias);
    await request(env.url).post(`/api/v1/catalog/install?id=${id}`).set('Authorization', operator.bearer).expect(201);
    created.push(names.alias);
    expect((await k8s.templates.get(names.alias)).metadata.labels?.['streamspace.io/catalog-id']).toBe(String(id));
    await request(env.url)
      .post('/api/v1/catalog/install')
      .set('Authorization', operator.bearer)
      .expect(400, { error: 'id query parameter required', message: 'Pass ?id=<catalog template id>' });
    expect(
      (await request(env.url).post('/api/v1/catalog/install?id=abc').set('Authorization', operator.bearer).expect(400))
        .body.error,
    ).toBe('Invalid request');
  });

  it('answers 404 for unknown and inactive entries, creating nothing', async () => {
    await env.db.query('UPDATE catalog_templates SET active = false WHERE name = $1', [names.dropped]);
    const id = await idOf(names.dropped);
    for (const target of [id, 999999])
      await request(env.url)
        .post(`/api/v1/catalog/templates/${target}/install`)
        .set('Authorization', operator.bearer)
        .expect(404, { error: 'Catalog template not found', message: `No catalog template with ID ${target}` });
    await expect(k8s.templates.get(names.dropped)).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });

  it('refuses a stored manifest that breaks the template rules with the first problem', async () => {
    const name = uniqueName('cat-broken');
    const [{ id }] = await env.db.query(
      `INSERT INTO catalog_templates (name, display_name, manifest) VALUES ($1, 'Broken', '{"displayName":"Broken","baseImage":"has space"}') RETURNING id`,
      [name],
    );
    await request(env.url)
      .post(`/api/v1/catalog/templates/${id}/install`)
      .set('Authorization', operator.bearer)
      .expect(400, { error: 'Invalid template manifest', message: 'baseImage: must not contain whitespace' });
    await expect(k8s.templates.get(name)).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });

  it('lets only operators and admins install; anyone signed in may read', async () => {
    const id = await idOf(names.alias);
    for (const path of [`/api/v1/catalog/templates/${id}/install`, `/api/v1/catalog/install?id=${id}`]) {
      await request(env.url).post(path).expect(401);
      await request(env.url)
        .post(path)
        .set('Authorization', user.bearer)
        .expect(403, { error: 'Insufficient permissions', message: 'This action requires the operator or admin role' });
    }
    for (const path of ['/api/v1/catalog/templates', `/api/v1/catalog/templates/${id}`]) {
      await request(env.url).get(path).expect(401);
      await request(env.url).get(path).set('Authorization', user.bearer).expect(200);
    }
  });
});
