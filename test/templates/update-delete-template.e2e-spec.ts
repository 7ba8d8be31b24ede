import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../../src/kubernetes/kubernetes-errors.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { testNamespace } from '../support/namespace.js';
import { startTestApp } from '../support/test-app.js';

describe('PATCH and DELETE /api/v1/templates/:id (§3.5)', () => {
  let app: NestExpressApplication;
  let url: string;
  let k8s: K8sService;
  let operator: TestAccount;
  let user: TestAccount;
  const call = (account: TestAccount, method: 'get' | 'patch' | 'delete', path: string, body?: object) => {
    const req = request(url)[method](path).set('Authorization', account.bearer);
    return body === undefined ? req : req.send(body);
  };
  const createTemplate = async (extra: object = {}) => {
    const body = { name: uniqueName('tpl'), displayName: 'Editor', baseImage: 'editor:1', ...extra };
    await request(url).post('/api/v1/templates').set('Authorization', operator.bearer).send(body).expect(201);
    return body.name;
  };

  /** A Template owned by an ApplicationInstall, as the application reconciler creates it (§5.7). */
  const createApplicationTemplate = async () => {
    const templateName = uniqueName('app-tpl');
    const spec = { displayName: 'App', baseImage: 'app:1' };
    const install = await k8s.applicationInstalls.create({
      metadata: { name: randomUUID() },
      spec: { templateName, displayName: 'App', manifest: JSON.stringify(spec) },
    });
    await k8s.templates.create({
      metadata: {
        name: templateName,
        ownerReferences: [
          {
            apiVersion: 'stream.space/v1alpha1',
            kind: 'ApplicationInstall',
            name: install.metadata.name,
            uid: install.metadata.uid!,
            controller: true,
          },
        ],
      },
      spec,
    });
    return { templateName, installName: install.metadata.name };
  };

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    k8s = app.get(K8sService);
    [operator, user] = await Promise.all([createAccount(app, url, { role: 'operator' }), createAccount(app, url)]);
  });
  afterAll(() => app?.close());

  it('replaces the given fields, keeps the others and ignores name', async () => {
    const name = await createTemplate({ description: 'Old', tags: ['a', 'b'], category: 'Dev' });
    const response = await call(operator, 'patch', `/api/v1/templates/${name}`, {
      name: 'renamed',
      displayName: 'Editor 2',
      tags: ['c'],
      ports: [{ containerPort: 8080 }],
    }).expect(200);
    expect(response.body.message).toBe('Template updated successfully');
    expect(response.body.template).toMatchObject({
      name,
      displayName: 'Editor 2',
      description: 'Old',
      category: 'Dev',
      tags: ['c'],
      ports: [{ name: '', containerPort: 8080, protocol: 'TCP' }],
    });
    const read = await call(user, 'get', `/api/v1/templates/${name}`).expect(200);
    expect(read.body).toMatchObject({ displayName: 'Editor 2', tags: ['c'] });
    await call(user, 'get', '/api/v1/templates/renamed').expect(404);
  });

  it('removes optional fields given as null, back to their defaults', async () => {
    const name = await createTemplate({
      description: 'Old',
      category: 'Dev',
      featured: true,
      defaultResources: { cpu: '2', memory: '4Gi' },
      vnc: { enabled: false, port: 5900 },
      tags: ['x'],
    });
    const response = await call(operator, 'patch', `/api/v1/templates/${name}`, {
      description: null,
      category: null,
      featured: null,
      defaultResources: null,
      vnc: null,
      tags: null,
    }).expect(200);
    expect(response.body.template).toMatchObject({
      description: '',
      category: 'Other',
      featured: false,
      defaultResources: {},
      vnc: { enabled: true, port: 3000 },
      tags: [],
    });
    const stored = await k8s.templates.get(name);
    expect(stored.spec.defaultResources).toBeUndefined();
    expect(stored.spec.vnc).toBeUndefined();
  });

  it('replaces nested objects whole instead of merging them', async () => {
    const name = await createTemplate({
      vnc: { enabled: false, port: 5900 },
      defaultResources: { cpu: '2', memory: '4Gi' },
    });
    const response = await call(operator, 'patch', `/api/v1/templates/${name}`, {
      vnc: { port: 6080 },
      defaultResources: { memory: '1Gi' },
    }).expect(200);
    expect(response.body.template).toMatchObject({
      vnc: { enabled: true, port: 6080 },
      defaultResources: { memory: '1Gi' },
    });
    expect(response.body.template.defaultResources).toEqual({ memory: '1Gi' });
  });

  it('validates like create and writes nothing on failure', async () => {
    const name = await createTemplate();
    const before = await k8s.templates.get(name);
    for (const [body, message] of [
      [{ displayName: null }, 'displayName: must be a string'],
      [{ baseImage: 'a b' }, 'baseImage: must not contain whitespace'],
      [{ defaultResources: { cpu: '100' } }, 'defaultResources.cpu: must be at most 64000m'],
      [{ ports: [{ containerPort: 'http' }] }, 'ports[0].containerPort: must be an integer from 1 to 65535'],
    ] as const) {
      const response = await call(operator, 'patch', `/api/v1/templates/${name}`, body).expect(400);
      expect(response.body).toMatchObject({ error: 'Invalid request', message });
    }
    // The generation counts spec writes only (the validity status may be written meanwhile).
    const after = await k8s.templates.get(name);
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.spec).toEqual(before.spec);
  });

  it('deletes a Template, after which reads answer 404', async () => {
    const name = await createTemplate();
    await call(operator, 'delete', `/api/v1/templates/${name}`).expect(200, { message: 'Template deleted' });
    await call(user, 'get', `/api/v1/templates/${name}`).expect(404, {
      error: 'Template not found',
      message: `No template named '${name}'`,
    });
    await expect(k8s.templates.get(name)).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });

  it('answers 404 for unknown Templates', async () => {
    const body = { error: 'Template not found', message: "No template named 'missing-template'" };
    await call(operator, 'patch', '/api/v1/templates/missing-template', { displayName: 'X' }).expect(404, body);
    await call(operator, 'delete', '/api/v1/templates/missing-template').expect(404, body);
  });

  it('refuses to change or delete a Template an application install owns', async () => {
    const { templateName, installName } = await createApplicationTemplate();
    const conflict = {
      error: 'Template managed by application',
      message: `Template '${templateName}' belongs to application install '${installName}'; change or delete the application instead`,
    };
    await call(operator, 'patch', `/api/v1/templates/${templateName}`, { displayName: 'Hijacked' }).expect(
      409,
      conflict,
    );
    await call(operator, 'delete', `/api/v1/templates/${templateName}`).expect(409, conflict);
    const read = await call(user, 'get', `/api/v1/templates/${templateName}`).expect(200);
    expect(read.body).toMatchObject({ displayName: 'App', applicationId: installName });
  });

  it('sees changes made behind its back through the watch', async () => {
    const name = await createTemplate();
    await kubectl([
      '-n',
      testNamespace(),
      'patch',
      'template',
      name,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { displayName: 'From kubectl' } }),
    ]);
    await eventually(async () => {
      const read = await call(user, 'get', `/api/v1/templates/${name}`).expect(200);
      expect(read.body.displayName).toBe('From kubectl');
    });
  });

  it('requires the operator role to change or delete', async () => {
    const name = await createTemplate();
    const forbidden = { error: 'Insufficient permissions', message: 'This action requires the operator or admin role' };
    await call(user, 'patch', `/api/v1/templates/${name}`, { displayName: 'Mine' }).expect(403, forbidden);
    await call(user, 'delete', `/api/v1/templates/${name}`).expect(403, forbidden);
    await request(url).patch(`/api/v1/templates/${name}`).send({ displayName: 'Anon' }).expect(401);
    await request(url).delete(`/api/v1/templates/${name}`).expect(401);
    expect((await k8s.templates.get(name)).spec.displayName).toBe('Editor');
  });
});
