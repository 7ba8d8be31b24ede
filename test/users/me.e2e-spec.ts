import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { homeVolumeName } from '../../src/kubernetes/names.js';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { sessionManifest } from '../support/kubernetes.js';
import { startTestApp } from '../support/test-app.js';

describe('the current user: profile, quota and favourites (§3.2)', () => {
  let app: NestExpressApplication;
  let url: string;
  let alice: TestAccount;
  const get = (path: string, account = alice) => request(url).get(path).set('Authorization', account.bearer);

  beforeAll(async () => {
    ({ app, url } = await startTestApp());
    alice = await createAccount(app, url);
  });
  afterAll(() => app?.close());

  it('shows the caller with group ids and the full quota', async () => {
    const me = await get('/api/v1/users/me').expect(200);
    expect(me.body).toMatchObject({
      id: alice.id,
      username: alice.username,
      role: 'user',
      groups: [expect.any(String)],
    });
    expect(me.body.quota).toEqual({
      userId: alice.id,
      username: alice.username,
      maxSessions: 5,
      usedSessions: 0,
      maxCpu: '4000m',
      usedCpu: '0m',
      maxMemory: '8192Mi',
      usedMemory: '0Mi',
      maxStorage: '100Gi',
      usedStorage: '0Gi',
      maxCpuPerSession: '2000m',
      maxMemoryPerSession: '4096Mi',
    });
  });

  it("counts usage from the user's running Session resources and home volume", async () => {
    const k8s = app.get(K8sService);
    const resources = (cpu: string, memory: string) => ({
      resources: { requests: { cpu, memory }, limits: { cpu, memory } },
    });
    const names = [uniqueName('run-a'), uniqueName('run-b'), uniqueName('limits-only'), uniqueName('asleep')];
    await k8s.sessions.create(sessionManifest(names[0], alice.username, resources('1', '2Gi')));
    await k8s.sessions.create(sessionManifest(names[1], alice.username, resources('500m', '512Mi')));
    await k8s.sessions.create(
      sessionManifest(names[2], alice.username, { resources: { limits: { cpu: '250m', memory: '256Mi' } } }),
    );
    await k8s.sessions.create(
      sessionManifest(names[3], alice.username, { state: 'hibernated', ...resources('2', '4Gi') }),
    );
    const other = uniqueName('not-hers');
    await k8s.sessions.create(sessionManifest(other, 'someone-else', resources('2', '4Gi')));
    await kubectl(
      ['apply', '-n', k8s.namespace, '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: homeVolumeName(alice.username) },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } },
      }),
    );

    await eventually(async () => {
      const quota = await get('/api/v1/users/me/quota').expect(200);
      expect(quota.body).toMatchObject({
        usedSessions: 3,
        usedCpu: '1750m',
        usedMemory: '2816Mi',
        usedStorage: '50Gi',
      });
    });
    for (const name of [...names, other]) await k8s.sessions.delete(name);
    await kubectl(['delete', 'pvc', '-n', k8s.namespace, homeVolumeName(alice.username), '--wait=false']);
  });

  it('keeps favourites as opaque keys: idempotent add and remove, newest first', async () => {
    const favorites = '/api/v1/preferences/favorites';
    const post = (key: string) =>
      request(url)
        .post(`${favorites}/${encodeURIComponent(key)}`)
        .set('Authorization', alice.bearer);
    await post('firefox').expect(200, { message: 'Added to favorites', templateName: 'firefox' });
    await post('firefox').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await post('app 3f9c/id').expect(200, { message: 'Added to favorites', templateName: 'app 3f9c/id' });

    const listed = await get(favorites).expect(200);
    expect(listed.body.total).toBe(2);
    expect(listed.body.favorites.map((f: { templateName: string }) => f.templateName)).toEqual([
      'app 3f9c/id',
      'firefox',
    ]);
    expect(listed.body.favorites[0].addedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const bob = await createAccount(app, url);
    expect((await get(favorites, bob).expect(200)).body).toEqual({ favorites: [], total: 0 });

    for (let i = 0; i < 2; i++)
      await request(url)
        .delete(`${favorites}/firefox`)
        .set('Authorization', alice.bearer)
        .expect(200, { message: 'Removed from favorites', templateName: 'firefox' });
    expect((await get(favorites).expect(200)).body.total).toBe(1);
    await post('x'.repeat(256)).expect(400);
  });
});
