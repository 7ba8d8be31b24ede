import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { LeaderElection } from '../../src/database/leader-election.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { homeVolumeName } from '../../src/kubernetes/names.js';
import { PlatformConfigService, type PlatformSettings } from '../../src/platform-config/platform-config.service.js';
import { eventually } from '../support/eventually.js';
import { testConfig } from '../support/test-app.js';
import { createSession, isolatedScope, sessionEventually, templateSpec, unique } from './workloads-fixture.js';
import { unlessNotFound } from '../../src/kubernetes/kubernetes-errors.js';

/** The reconciler follows the platform settings of §6.8 (storage, ingress, URL template). */
describe('Session workloads under non-default platform settings', () => {
  let scope: Awaited<ReturnType<typeof isolatedScope>>;
  let app: INestApplication;
  let k8s: K8sService;

  beforeAll(async () => {
    scope = await isolatedScope();
    const config = testConfig({ NAMESPACE: scope.namespace, DATABASE_URL: scope.databaseUrl });
    // Fixed settings, whatever the platform ConfigMap says: the reconciler must follow them.
    const settings: PlatformSettings = {
      session: {
        defaultIdleTimeout: '30m',
        defaultMaxSessionDuration: '8h',
        enableAutoHibernation: true,
        autoHibernateDelay: '30m',
        urlTemplate: 'http://127.0.0.1:8000/view/{namespace}/{name}?u={user}&t={template}&p={port}&d={domain}',
      },
      resources: { defaultMemory: '2Gi', defaultCpu: '1000m' },
      quota: {
        maxSessions: 5,
        maxCpuMillicores: 4000,
        maxMemoryMib: 8192,
        maxCpuPerSessionMillicores: 2000,
        maxMemoryPerSessionMib: 4096,
        maxStorageMib: 102_400,
      },
      limits: { maxTotalSessions: 20, connectionsPerSession: 50, websocketsPerUser: 20, favoritesPerUser: 500 },
      storage: { homeSize: '5Gi', homeSizeMib: 5120, className: '', accessMode: 'ReadWriteOnce' },
      ingress: { enabled: false, domain: 'sessions.example', className: '', scheme: 'https', tlsSecretName: '' },
    };
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(PlatformConfigService)
      .useValue({ settings: () => settings, quotaDefaults: () => settings.quota })
      .compile();
    app = moduleRef.createNestApplication();
    await app.init();
    k8s = app.get(K8sService);
    await eventually(() => expect(app.get(LeaderElection).isLeader).toBe(true), 20_000, 100);
  });
  afterAll(async () => {
    await app?.close();
    await scope?.drop();
  });

  it('sizes the home volume from storage settings, skips the Ingress when disabled and expands the URL template', async () => {
    const template = unique('code');
    await k8s.templates.create({
      metadata: { name: template },
      spec: templateSpec({ vnc: { enabled: true, port: 8443 } }),
    });
    const user = unique('ivy');
    const name = unique('ivy-code');
    await createSession(k8s, name, user, { template, state: 'running' });

    const running = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'));
    expect(running.status?.url).toBe(
      `http://127.0.0.1:8000/view/${scope.namespace}/${name}?u=${user}&t=${template}&p=8443&d=sessions.example`,
    );
    const claim = await unlessNotFound(k8s.pvcs.get(scope.namespace, homeVolumeName(user)));
    expect(claim?.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    expect(await unlessNotFound(k8s.services.get(scope.namespace, `ss-${name}`))).toBeDefined();
    expect(await unlessNotFound(k8s.ingresses.get(scope.namespace, `ss-${name}`))).toBeUndefined();
  });
});
