import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError } from '../../src/common/api-error.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { HomeVolumeCache } from '../../src/kubernetes/home-volume.cache.js';
import { SessionCache } from '../../src/kubernetes/custom-resource.cache.js';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { PlatformConfigService } from '../../src/platform-config/platform-config.service.js';
import { QuotaService } from '../../src/quotas/quota.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { uniqueName } from '../support/accounts.js';
import { sessionManifest } from '../support/kubernetes.js';
import { freePorts } from '../control-plane/control-plane.js';
import { startTestApp } from '../support/test-app.js';

const small = { cpuMillicores: 500, memoryMib: 512 };
const resources = {
  resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
};

describe('QuotaService against real Session resources (§7)', () => {
  let app: NestExpressApplication;
  let config: AppConfig;
  let quotas: QuotaService;
  let k8s: K8sService;
  let users: UsersService;
  const created: string[] = [];

  async function newUser(maxSessions?: number) {
    const username = uniqueName('quota');
    const user = await users.create({ username, email: `${username}@example.test`, password: 'a-good-long-password' });
    if (maxSessions !== undefined) await users.setQuota(user.id, { maxSessions });
    return { id: user.id, username };
  }
  const startSession =
    (owner: { username: string }, name = uniqueName('s')) =>
    async () => {
      created.push(name);
      return k8s.sessions.create(sessionManifest(name, owner.username, resources));
    };

  beforeAll(async () => {
    ({ app, config } = await startTestApp());
    quotas = app.get(QuotaService);
    k8s = app.get(K8sService);
    users = app.get(UsersService);
  });
  afterAll(async () => {
    for (const name of created) await k8s.sessions.delete(name).catch(() => undefined);
    await app?.close();
  });

  it('counts only running, undeleted sessions of the owner, from a fresh list', async () => {
    const owner = await newUser();
    await startSession(owner)();
    await startSession(owner)();
    const asleep = uniqueName('asleep');
    created.push(asleep);
    await k8s.sessions.create(sessionManifest(asleep, owner.username, { ...resources, state: 'hibernated' }));
    const finalizing = uniqueName('finalizing');
    created.push(finalizing);
    await k8s.sessions.create(sessionManifest(finalizing, owner.username, resources));
    await k8s.sessions.patch(finalizing, { metadata: { finalizers: ['test/hold'] } });
    await k8s.sessions.delete(finalizing);

    expect(await quotas.usage(owner.username, { fresh: true })).toEqual({
      sessions: 2,
      cpuMillicores: 1000,
      memoryMib: 1024,
      homeVolumeMib: undefined,
    });
    await k8s.sessions.patch(finalizing, { metadata: { finalizers: null } });
  });

  it('refuses the start that would break a limit with 403 QUOTA_EXCEEDED and the contract message', async () => {
    const owner = await newUser(1);
    await quotas.runWithinQuota(owner, small, startSession(owner));
    const refusal = await quotas.runWithinQuota(owner, small, startSession(owner)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({
      status: 403,
      error: 'Quota exceeded',
      message: 'session quota exceeded: 1/1 sessions active',
      extra: { code: 'QUOTA_EXCEEDED' },
    });
    const tooBig = await quotas
      .runWithinQuota(await newUser(), { cpuMillicores: 4000, memoryMib: 512 }, startSession(owner))
      .catch((e: unknown) => e);
    expect(tooBig).toMatchObject({ message: 'CPU quota exceeded: requested 4000m, limit is 2000m per session' });
  });

  it('runs parallel starts of one user one at a time, so they never share headroom', async () => {
    const owner = await newUser(2);
    const intervals: [number, number][] = [];
    const attempts = Array.from({ length: 6 }, () =>
      quotas.runWithinQuota(owner, small, async () => {
        const begin = performance.now();
        const session = await startSession(owner)();
        intervals.push([begin, performance.now()]);
        return session;
      }),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refusals.map((r) => (r.reason as ApiError).message)).toEqual(
      Array(4).fill('session quota exceeded: 2/2 sessions active'),
    );
    // The two writes that ran did not overlap.
    const [first, second] = intervals.sort((a, b) => a[0] - b[0]);
    expect(second[0]).toBeGreaterThanOrEqual(first[1]);
    expect((await quotas.usage(owner.username, { fresh: true })).sessions).toBe(2);
  });

  it('does not make different users wait for each other', async () => {
    const [a, b] = [await newUser(), await newUser()];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = quotas.runWithinQuota(a, small, () => held);
    const other = await quotas.runWithinQuota(b, small, startSession(b));
    expect(other.spec.user).toBe(b.username);
    release();
    await slow;
  });

  it('fails closed with 503 and Retry-After when usage cannot be read', async () => {
    const owner = await newUser();
    const [deadPort] = await freePorts(1);
    const unreachable = new KubeConfig();
    unreachable.loadFromClusterAndUser(
      { name: 'dead', server: `https://127.0.0.1:${deadPort}`, skipTLSVerify: true },
      { name: 'nobody' },
    );
    const broken = new QuotaService(
      app.get<DataSource>(getDataSourceToken()),
      new K8sService(config, unreachable),
      app.get(SessionCache),
      app.get(HomeVolumeCache),
      app.get(PlatformConfigService),
      app.get(MetricsService),
    );
    let wrote = false;
    const refusal = await broken
      .runWithinQuota(owner, small, async () => (wrote = true))
      .catch((error: unknown) => error);
    expect(refusal).toMatchObject({
      status: 503,
      error: 'Quota check unavailable',
      message: 'The quota check could not be completed; try again shortly',
      extra: { retryAfter: 5 },
    });
    expect(wrote).toBe(false);
  });
});
