import { randomBytes } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import type { K8sService } from '../../src/kubernetes/k8s.service.js';
import {
  KubernetesAlreadyExistsError,
  KubernetesInvalidError,
  KubernetesNotFoundError,
  KubernetesPermissionError,
  KubernetesUnavailableError,
} from '../../src/kubernetes/kubernetes-errors.js';
import type { SessionCache } from '../../src/kubernetes/custom-resource.cache.js';
import { kubectl } from '../support/kubectl.js';
import { sessionManifest, startKubernetesModule } from '../support/kubernetes.js';
import { testNamespace } from '../support/namespace.js';

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A copy of the run's kubeconfig with another server address or bearer token. */
function kubeconfigVariant(dir: string, change: { server?: string; token?: string }): string {
  const doc = YAML.parse(readFileSync(process.env.KUBECONFIG!, 'utf8'));
  if (change.server) doc.clusters[0].cluster.server = change.server;
  if (change.token) doc.users[0].user = { token: change.token };
  const path = join(dir, `kubeconfig-${randomBytes(3).toString('hex')}`);
  writeFileSync(path, YAML.stringify(doc));
  return path;
}

describe('K8sService against a real API server', () => {
  let k8s: K8sService;
  let sessionCache: SessionCache;
  let close: () => Promise<void>;
  const scratch = mkdtempSync(join(tmpdir(), 'k8s-service-'));

  beforeAll(async () => {
    ({ k8s, sessions: sessionCache, close } = await startKubernetesModule());
    await sessionCache.ready;
  });
  afterAll(async () => {
    await close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keeps its TLS connection to the API server alive between requests', async () => {
    const requests: ClientRequest[] = [];
    const onRequest = (message: unknown) => requests.push((message as { request: ClientRequest }).request);
    diagnostics.subscribe('http.client.request.start', onRequest);
    try {
      for (let i = 0; i < 5; i++) await k8s.sessions.list({ limit: 1 });
    } finally {
      diagnostics.unsubscribe('http.client.request.start', onRequest);
    }
    // The caches' watches go out on their own sockets meanwhile: only these lists count.
    const lists = requests.filter((request) => /\/sessions\?limit=1$/.test(request.path));
    expect(lists).toHaveLength(5);
    expect(lists.slice(1).map((request) => request.reusedSocket)).toEqual([true, true, true, true]);
  });
  it('creates, reads, lists, patches and deletes Sessions', async () => {
    const name = unique('alice-firefox');
    const created = await k8s.sessions.create(sessionManifest(name, 'alice', { tags: ['work'] }));
    expect(created).toMatchObject({
      apiVersion: 'stream.space/v1alpha1',
      kind: 'Session',
      spec: { user: 'alice', state: 'running' },
    });
    // CRD defaults are applied by the API server.
    expect(created.spec).toMatchObject({ persistentHome: true, idleTimeout: '30m', maxSessionDuration: '8h' });

    expect((await k8s.sessions.get(name)).metadata.uid).toBe(created.metadata.uid);
    const mine = await k8s.sessions.list({ labelSelector: 'streamspace.io/user=alice' });
    expect(mine.items.map((s) => s.metadata.name)).toContain(name);
    expect((await k8s.sessions.list({ labelSelector: 'streamspace.io/user=nobody' })).items).toEqual([]);

    const hibernated = await k8s.sessions.patchSpec(name, { state: 'hibernated', tags: ['work', 'later'] });
    expect(hibernated.spec).toMatchObject({ state: 'hibernated', tags: ['work', 'later'], user: 'alice' });

    await k8s.sessions.patchStatus(name, { phase: 'Running', url: 'https://x.example/' });
    const withActivity = await k8s.sessions.patchStatus(name, { lastActivity: '2026-11-25T10:00:00.000Z' });
    // Merge patches of status fields leave the other fields alone.
    expect(withActivity.status).toEqual({
      phase: 'Running',
      url: 'https://x.example/',
      lastActivity: '2026-11-25T10:00:00.000Z',
    });
    // A spec patch does not touch status, and a status patch does not touch spec.
    expect(withActivity.spec.state).toBe('hibernated');

    const labelled = await k8s.sessions.patch(name, {
      metadata: { annotations: { 'streamspace.io/state-reason': 'user' } },
    });
    expect(labelled.metadata.annotations).toMatchObject({ 'streamspace.io/state-reason': 'user' });

    await k8s.sessions.delete(name);
    await expect(k8s.sessions.get(name)).rejects.toBeInstanceOf(KubernetesNotFoundError);
  });

  it('serves Templates and ApplicationInstalls with their CRD defaults', async () => {
    const template = await k8s.templates.create({
      metadata: { name: unique('firefox') },
      spec: { displayName: 'Firefox', baseImage: 'lscr.io/linuxserver/firefox:latest' },
    });
    expect(template.spec).toMatchObject({ category: 'Other', appType: 'desktop' });
    const install = await k8s.applicationInstalls.create({
      metadata: { name: unique('app') },
      spec: { templateName: 'firefox-1234abcd', displayName: 'Firefox', manifest: '{}', catalogTemplateID: 7 },
    });
    expect(install.spec.catalogTemplateID).toBe(7);
    await k8s.applicationInstalls.patchStatus(install.metadata.name, { phase: 'Ready', message: 'Template ready' });
    expect((await k8s.applicationInstalls.get(install.metadata.name)).status).toMatchObject({ phase: 'Ready' });
    await k8s.templates.delete(template.metadata.name);
    await k8s.applicationInstalls.delete(install.metadata.name);
  });

  it('maps API server errors to typed errors with their HTTP answers', async () => {
    await expect(k8s.sessions.get('does-not-exist')).rejects.toMatchObject({
      constructor: KubernetesNotFoundError,
      status: 404,
      error: 'Session not found',
      message: "No session named 'does-not-exist'",
    });

    const name = unique('dup');
    await k8s.sessions.create(sessionManifest(name));
    await expect(k8s.sessions.create(sessionManifest(name))).rejects.toMatchObject({
      constructor: KubernetesAlreadyExistsError,
      status: 409,
      error: 'Session already exists',
    });

    const invalid = k8s.sessions.create({
      metadata: { name: unique('bad') },
      spec: { user: 'alice', template: 'firefox', state: 'flying' as never },
    });
    await expect(invalid).rejects.toBeInstanceOf(KubernetesInvalidError);
    await expect(invalid).rejects.toMatchObject({
      status: 400,
      error: 'Invalid resource',
      message: expect.stringContaining('spec.state'),
    });
    await k8s.sessions.delete(name);
  });

  it('retries a read-modify-write that lost a race, keeping both changes', async () => {
    const name = unique('race');
    await k8s.sessions.create(sessionManifest(name));
    let attempts = 0;
    const result = await k8s.sessions.modify(name, async (session) => {
      attempts++;
      if (attempts === 1) {
        // Someone else writes between our read and our write.
        await kubectl(['annotate', 'sessions.stream.space', name, '-n', k8s.namespace, 'other=writer']);
      }
      session.spec.tags = ['mine'];
      return session;
    });
    expect(attempts).toBe(2);
    expect(result.spec.tags).toEqual(['mine']);
    expect(result.metadata.annotations).toMatchObject({ other: 'writer' });
    await k8s.sessions.delete(name);
  });

  it('says which permission the server lacks when its identity may not act (500, not the caller’s fault)', async () => {
    await kubectl(['create', 'serviceaccount', 'powerless', '-n', testNamespace()]).catch(() => undefined);
    const token = (await kubectl(['create', 'token', 'powerless', '-n', testNamespace()])).trim();
    const limited = await startKubernetesModule({ KUBECONFIG: kubeconfigVariant(scratch, { token }) });
    try {
      await expect(limited.k8s.sessions.list()).rejects.toMatchObject({
        constructor: KubernetesPermissionError,
        status: 500,
        error: 'Kubernetes permission denied',
        message: `The server may not list sessions in namespace '${testNamespace()}'`,
      });
    } finally {
      await limited.close();
    }
  });

  it('answers 503 when the API server cannot be reached', async () => {
    const unreachable = await startKubernetesModule({
      KUBECONFIG: kubeconfigVariant(scratch, { server: 'https://127.0.0.1:1' }),
    });
    try {
      await expect(unreachable.k8s.sessions.get('x')).rejects.toMatchObject({
        constructor: KubernetesUnavailableError,
        status: 503,
        error: 'Kubernetes unavailable',
      });
    } finally {
      await unreachable.close();
    }
  });

  it('shows its own writes in the watch cache as soon as the write returns', async () => {
    const name = unique('ryw');
    await k8s.sessions.create(sessionManifest(name));
    expect(sessionCache.get(name)?.spec.state).toBe('running');
    await k8s.sessions.patchSpec(name, { state: 'hibernated' });
    expect(sessionCache.get(name)?.spec.state).toBe('hibernated');
    await k8s.sessions.delete(name);
    expect(sessionCache.get(name)).toBeUndefined();
  });
});
