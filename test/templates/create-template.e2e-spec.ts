import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../../src/kubernetes/kubernetes-errors.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { testNamespace } from '../support/namespace.js';
import { startTestApp } from '../support/test-app.js';

describe('POST and GET /api/v1/templates/:id (§3.5)', () => {
  let app: NestExpressApplication;
  let url: string;
  let k8s: K8sService;
  let operator: TestAccount;
  let admin: TestAccount;
  let user: TestAccount;
  const minimal = () => ({
    name: uniqueName('tpl'),
    displayName: 'Firefox',
    baseImage: 'lscr.io/linuxserver/firefox:latest',
  });
  const post = (account: TestAccount, body: object) =>
    request(url).post('/api/v1/templates').set('Authorization', account.bearer).send(body);

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    k8s = app.get(K8sService);
    [operator, admin, user] = await Promise.all([
      createAccount(app, url, { role: 'operator' }),
      createAccount(app, url, { role: 'admin' }),
      createAccount(app, url),
    ]);
  });
  afterAll(() => app?.close());

  it('creates a Template with defaults filled in, labelled as ours, and reads it back at once', async () => {
    const body = minimal();
    const created = await post(operator, { ...body, namespace: 'ignored', usageCount: 99 }).expect(201);
    expect(created.body).toEqual({
      name: body.name,
      namespace: testNamespace(),
      displayName: 'Firefox',
      description: '',
      category: 'Other',
      appType: 'desktop',
      icon: '',
      baseImage: body.baseImage,
      defaultResources: {},
      ports: [],
      env: [],
      vnc: { enabled: true, port: 3000 },
      capabilities: [],
      tags: [],
      featured: false,
      usageCount: 0,
      valid: null,
      statusMessage: '',
      applicationId: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });

    const stored = await k8s.templates.get(body.name);
    expect(stored.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'streamspace-api' });
    expect(stored.spec).toMatchObject({ displayName: 'Firefox', baseImage: body.baseImage });

    const read = await request(url).get(`/api/v1/templates/${body.name}`).set('Authorization', user.bearer).expect(200);
    // The validation reconciler may have written the status in between.
    const { valid, statusMessage, ...rest } = created.body;
    expect(read.body).toMatchObject(rest);
  });

  it('stores every TemplateInput field and returns it in camelCase', async () => {
    const body = {
      ...minimal(),
      description: 'A web browser',
      category: 'Web Browsers',
      icon: 'https://example.com/firefox.png',
      appType: 'webapp',
      defaultResources: { memory: '2Gi', cpu: '1500m' },
      ports: [
        { name: 'http', containerPort: 8080 },
        { containerPort: 53, protocol: 'UDP' },
      ],
      env: [{ name: 'PUID', value: '1000' }],
      vnc: { enabled: false, port: 5901 },
      capabilities: ['Network', 'Clipboard'],
      tags: ['Browser', 'web'],
      featured: true,
    };
    const created = await post(admin, body).expect(201);
    expect(created.body).toMatchObject({
      ...body,
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: '', containerPort: 53, protocol: 'UDP' },
      ],
    });
  });

  it('answers 409 when the name is taken', async () => {
    const body = minimal();
    await post(operator, body).expect(201);
    await post(operator, { ...body, displayName: 'Other' }).expect(409, {
      error: 'Template already exists',
      message: `A template named '${body.name}' already exists`,
    });
    expect((await k8s.templates.get(body.name)).spec.displayName).toBe('Firefox');
  });

  it('answers 404 with the contract body for an unknown Template', async () => {
    await request(url)
      .get('/api/v1/templates/no-such-template')
      .set('Authorization', user.bearer)
      .expect(404, { error: 'Template not found', message: "No template named 'no-such-template'" });
  });

  it('requires a token for reads and the operator role for writes', async () => {
    await request(url).get('/api/v1/templates').expect(401);
    await request(url).get('/api/v1/templates/anything').expect(401);
    await request(url).post('/api/v1/templates').send(minimal()).expect(401);
    const body = minimal();
    await post(user, body).expect(403, {
      error: 'Insufficient permissions',
      message: 'This action requires the operator or admin role',
    });
    await expect(k8s.templates.get(body.name)).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });

  it.each([
    ['name: must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', { name: 'Not_Valid' }],
    ['name: must be shorter than or equal to 63 characters', { name: `t${'x'.repeat(63)}` }],
    ['displayName: must be 1–128 characters', { displayName: 'x'.repeat(129) }],
    ['baseImage: must not contain whitespace', { baseImage: 'fire fox:1' }],
    ['baseImage: must be 1–512 characters', { baseImage: '' }],
    ['description: must be shorter than or equal to 4096 characters', { description: 'x'.repeat(4097) }],
    ['category: must be shorter than or equal to 128 characters', { category: 'x'.repeat(129) }],
    ['icon: must be an http or https URL, or empty', { icon: 'ftp://example.com/icon.png' }],
    ['appType: must be desktop or webapp', { appType: 'mobile' }],
    ['defaultResources.cpu: must be at least 100m', { defaultResources: { cpu: '99m' } }],
    ['defaultResources.cpu: must be at most 64000m', { defaultResources: { cpu: '65' } }],
    ['defaultResources.memory: must be at least 128Mi', { defaultResources: { memory: '64Mi' } }],
    ['defaultResources.memory: must be at most 512Gi', { defaultResources: { memory: '600Gi' } }],
    [
      'defaultResources.memory: must be a memory quantity such as "512Mi" or "2Gi"',
      { defaultResources: { memory: '512m' } },
    ],
    [
      'ports: must contain no more than 16 elements',
      { ports: Array.from({ length: 17 }, (_, i) => ({ containerPort: 2000 + i })) },
    ],
    ['ports[0].containerPort: must be an integer from 1 to 65535', { ports: [{ containerPort: 70000 }] }],
    ['ports[0].name: must match ^[a-z0-9-]{1,15}$', { ports: [{ containerPort: 80, name: 'much-too-long-name' }] }],
    [
      'ports[0].protocol: must be one of the following values: TCP, UDP',
      { ports: [{ containerPort: 80, protocol: 'SCTP' }] },
    ],
    [
      'env: must contain no more than 128 elements',
      { env: Array.from({ length: 129 }, (_, i) => ({ name: `V${i}`, value: 'x' })) },
    ],
    ['env[0].name: must match ^[A-Za-z_][A-Za-z0-9_]*$', { env: [{ name: 'BAD-NAME', value: 'x' }] }],
    ['vnc.port: must be an integer from 1 to 65535', { vnc: { port: 0 } }],
    [
      'capabilities: must contain only Network, Audio, Clipboard, USB, Printing',
      { capabilities: ['Network', 'Camera'] },
    ],
    ['tags: must contain no more than 32 elements', { tags: Array.from({ length: 33 }, (_, i) => `tag${i}`) }],
    ['tags: items must not contain control characters', { tags: ['line\nbreak'] }],
    ['featured: must be a boolean value', { featured: 'yes' }],
  ])('answers 400 "%s" and writes nothing', async (message, change) => {
    const body = { ...minimal(), ...change };
    const response = await post(operator, body).expect(400);
    expect(response.body).toMatchObject({
      error: 'Invalid request',
      message,
      details: expect.arrayContaining([expect.objectContaining({ message: message.split(': ').slice(1).join(': ') })]),
    });
    await expect(k8s.templates.get(body.name)).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });

  it('answers 400 for a missing body or required fields', async () => {
    const missing = await request(url).post('/api/v1/templates').set('Authorization', operator.bearer).expect(400);
    expect(missing.body.error).toBe('Invalid request');
    const noImage = await post(operator, { name: uniqueName('tpl'), displayName: 'X' }).expect(400);
    expect(noImage.body.message).toBe('baseImage: must be a string');
    await post(operator, [minimal()]).expect(400);
  });
});
