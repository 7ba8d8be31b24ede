import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { IdleMonitor } from '../../src/activity/idle-monitor.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { CONFIG_MAP_NAME, PlatformConfigService } from '../../src/platform-config/platform-config.service.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { controllableClock, createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';

describe('platform configuration (§3.10, §6.8)', () => {
  let app: NestExpressApplication;
  let url: string;
  let k8s: K8sService;
  let admin: TestAccount;
  const patch = (body: unknown, account = admin) =>
    request(url)
      .patch('/api/v1/config')
      .set('Authorization', account.bearer)
      .send(body as object);
  const get = (account = admin) => request(url).get('/api/v1/config').set('Authorization', account.bearer);
  const removeConfigMap = () =>
    kubectl(['delete', 'configmap', '-n', k8s.namespace, CONFIG_MAP_NAME, '--ignore-not-found']);

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false', INGRESS_DOMAIN: 'apps.example.test' }));
    k8s = app.get(K8sService);
    await removeConfigMap();
    admin = await createAccount(app, url, { role: 'admin' });
  });
  afterAll(async () => {
    await removeConfigMap();
    await app?.close();
  });

  it('shows every key with its default while nothing is stored, to admins only', async () => {
    const config = (await get().expect(200)).body;
    expect(config).toEqual({
      'session.defaultIdleTimeout': '30m',
      'session.defaultMaxSessionDuration': '8h',
      'session.enableAutoHibernation': 'true',
      'session.autoHibernateDelay': '30m',
      'session.urlTemplate': '',
      'resources.defaultMemory': '2Gi',
      'resources.defaultCPU': '1000m',
      'quota.defaultMaxSessions': '5',
      'quota.defaultMaxCpu': '4000m',
      'quota.defaultMaxMemory': '8Gi',
      'quota.defaultMaxCpuPerSession': '2000m',
      'quota.defaultMaxMemoryPerSession': '4Gi',
      'quota.defaultMaxStorage': '100Gi',
      'quota.maxTotalSessions': '20',
      'limits.connectionsPerSession': '50',
      'limits.websocketsPerUser': '20',
      'limits.favoritesPerUser': '500',
      'storage.homeSize': '50Gi',
      'storage.className': '',
      'storage.accessMode': 'ReadWriteMany',
      'ingress.enabled': 'true',
      'ingress.domain': 'apps.example.test',
      'ingress.className': '',
      'ingress.scheme': 'https',
      'ingress.tlsSecretName': '',
    });
    const operator = await createAccount(app, url, { role: 'operator' });
    await get(operator).expect(403);
    await patch({ 'session.urlTemplate': '' }, operator).expect(403);
    await request(url).get('/api/v1/config').expect(401);
  });

  it('merges valid keys into a ConfigMap it creates, keeps unknown keys, and null removes a key', async () => {
    const answer = (
      await patch({ 'session.defaultIdleTimeout': '1h', 'custom.banner': 'Maintenance at 5' }).expect(200)
    ).body;
    expect(answer.message).toBe('Configuration updated successfully');
    expect(answer.config).toMatchObject({
      'session.defaultIdleTimeout': '1h',
      'custom.banner': 'Maintenance at 5',
      'ingress.scheme': 'https',
    });
    const stored = await k8s.configMaps.get(k8s.namespace, CONFIG_MAP_NAME);
    expect(stored.data).toEqual({ 'session.defaultIdleTimeout': '1h', 'custom.banner': 'Maintenance at 5' });
    expect(stored.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('streamspace-api');

    await patch({ 'session.defaultIdleTimeout': null }).expect(200);
    expect((await get().expect(200)).body).toMatchObject({
      'session.defaultIdleTimeout': '30m',
      'custom.banner': 'Maintenance at 5',
    });
  });

  it('refuses invalid values with every problem listed, writing nothing', async () => {
    const before = (await get().expect(200)).body;
    const refused = (
      await patch({
        'session.defaultIdleTimeout': '2d',
        'quota.defaultMaxSessions': '1e3',
        'ingress.enabled': 'yes',
        'resources.defaultMemory': '500m',
        'custom.huge': 'x'.repeat(4097),
        'custom.number': 5,
        'ingress.scheme': 'https',
      }).expect(400)
    ).body;
    expect(refused.error).toBe('Invalid configuration');
    expect(refused.message).toMatch(/^session\.defaultIdleTimeout: /);
    expect(refused.details.map((d: { field: string }) => d.field)).toEqual([
      'session.defaultIdleTimeout',
      'quota.defaultMaxSessions',
      'ingress.enabled',
      'resources.defaultMemory',
      'custom.huge',
      'custom.number',
    ]);
    await patch(['not', 'an', 'object']).expect(400);
    await patch({ 'bad key!': 'x' }).expect(400);
    expect((await get().expect(200)).body).toEqual(before);
  });

  it('applies a change made behind its back within seconds, without a restart', async () => {
    await kubectl([
      'patch',
      'configmap',
      '-n',
      k8s.namespace,
      CONFIG_MAP_NAME,
      '--type=merge',
      '-p',
      JSON.stringify({ data: { 'quota.defaultMaxSessions': '1' } }),
    ]);
    await eventually(() => expect(app.get(PlatformConfigService).settings().quota.maxSessions).toBe(1), 5000);
    const user = await createAccount(app, url);
    expect(
      (await request(url).get('/api/v1/users/me/quota').set('Authorization', user.bearer).expect(200)).body.maxSessions,
    ).toBe(1);
    await patch({ 'quota.defaultMaxSessions': null }).expect(200);
  });

  it('drives session defaults and the idle monitor', async () => {
    const template = await createTemplate(app);
    const user = await createAccount(app, url);
    await patch({ 'session.defaultIdleTimeout': '10m', 'session.enableAutoHibernation': 'false' }).expect(200);
    const session = await launchSession(url, user, { template });
    expect((session as unknown as { idleTimeout: string }).idleTimeout).toBe('10m');

    const clock = controllableClock(app);
    clock.advance(11 * 60_000);
    expect(await app.get(IdleMonitor).tick()).not.toContain(session.name);
    await patch({ 'session.enableAutoHibernation': 'true' }).expect(200);
    expect(await app.get(IdleMonitor).tick()).toContain(session.name);
  });
});
