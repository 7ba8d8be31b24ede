import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { K8sService } from '../../src/kubernetes/k8s.service.js';
import { homeVolumeName } from '../../src/kubernetes/names.js';
import { UsersService } from '../../src/users/users.service.js';
import { eventually } from '../support/eventually.js';
import {
  type WorkloadsApp,
  condition,
  createSession,
  sessionEventually,
  startWorkloadsApp,
  templateSpec,
  unique,
} from './workloads-fixture.js';
import { unlessNotFound } from '../../src/kubernetes/kubernetes-errors.js';
import { SessionCache } from '../../src/kubernetes/custom-resource.cache.js';
import { ManagedDeploymentCache } from '../../src/workloads/managed-deployment.cache.js';
import { eventHandled } from '../support/settled.js';

const DOMAIN = 'apps.streamspace.test';

/** The reconciler of api-contract §5.6 / §6.1 inside the real application, against full mode. */
describe('Session workloads reconciler', () => {
  let env: WorkloadsApp;
  let k8s: K8sService;
  let namespace: string;
  const template = unique('firefox');

  beforeAll(async () => {
    env = await startWorkloadsApp({ INGRESS_DOMAIN: DOMAIN });
    ({ k8s, namespace } = env);
    await k8s.templates.create({ metadata: { name: template }, spec: templateSpec() });
  });
  afterAll(() => env?.close());

  it('runs a session through running, hibernated, running again and terminated', async () => {
    const user = unique('Alice.Lee');
    const name = unique('alice-firefox');
    const created = await createSession(k8s, name, user, { template, state: 'running' });
    const workload = `ss-${name}`;

    const running = await sessionEventually(k8s, name, (s) => {
      expect(s.status?.phase).toBe('Running');
      expect(s.status?.podName).not.toBe('');
    });
    expect(running.status).toMatchObject({
      url: `https://${name}.${DOMAIN}/`,
      observedGeneration: created.metadata.generation,
    });
    expect(condition(running, 'TemplateResolved')).toMatchObject({ status: 'True', reason: 'Found' });
    expect(condition(running, 'HomeVolumeReady')).toMatchObject({ status: 'True', reason: 'Present' });
    expect(condition(running, 'WorkloadReady')).toMatchObject({ status: 'True', reason: 'Available' });

    // podName names a real, ready pod of the session.
    const pod = await k8s.pods.get(namespace, running.status!.podName!);
    expect(pod.metadata?.labels?.['streamspace.io/session']).toBe(name);
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    const labels = {
      'app.kubernetes.io/name': 'streamspace-session',
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/managed-by': 'streamspace-api',
      'streamspace.io/session': name,
      'streamspace.io/user': user,
      'streamspace.io/template': template,
    };
    const owner = {
      apiVersion: 'stream.space/v1alpha1',
      kind: 'Session',
      name,
      uid: created.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };

    const claim = (await unlessNotFound(k8s.pvcs.get(namespace, homeVolumeName(user))))!;
    expect(claim.metadata?.labels).toEqual({
      'app.kubernetes.io/name': 'streamspace-home',
      'app.kubernetes.io/managed-by': 'streamspace-api',
      'streamspace.io/user': user,
    });
    expect(claim.metadata?.ownerReferences).toBeUndefined();
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '50Gi' } } });

    const deployment = (await unlessNotFound(k8s.deployments.get(namespace, workload)))!;
    expect(deployment.metadata?.labels).toEqual(labels);
    expect(deployment.metadata?.ownerReferences).toEqual([owner]);
    expect(deployment.spec?.selector).toEqual({ matchLabels: { 'streamspace.io/session': name } });
    expect(deployment.spec?.strategy?.type).toBe('Recreate');
    expect(deployment.spec?.replicas).toBe(1);
    const podSpec = deployment.spec!.template.spec!;
    expect(deployment.spec!.template.metadata?.labels).toEqual(labels);
    expect(podSpec).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false });
    expect(podSpec.containers).toHaveLength(1);
    expect(podSpec.containers[0]).toMatchObject({
      name: 'session',
      image: 'lscr.io/linuxserver/firefox:latest',
      imagePullPolicy: 'IfNotPresent',
      env: [{ name: 'TZ', value: 'Europe/Berlin' }],
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } },
      ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }],
      readinessProbe: { tcpSocket: { port: 3000 }, initialDelaySeconds: 2, periodSeconds: 5 },
      volumeMounts: [
        { name: 'home', mountPath: '/config' },
        { name: 'dshm', mountPath: '/dev/shm' },
      ],
    });
    expect(podSpec.volumes).toEqual([
      { name: 'home', persistentVolumeClaim: { claimName: homeVolumeName(user) } },
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
    ]);

    const service = (await unlessNotFound(k8s.services.get(namespace, workload)))!;
    expect(service.metadata?.labels).toEqual(labels);
    expect(service.metadata?.ownerReferences).toEqual([owner]);
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { 'streamspace.io/session': name },
      ports: [{ name: 'http', port: 3000, targetPort: 3000, protocol: 'TCP' }],
    });

    const ingress = (await unlessNotFound(k8s.ingresses.get(namespace, workload)))!;
    expect(ingress.metadata?.labels).toEqual(labels);
    expect(ingress.metadata?.ownerReferences).toEqual([owner]);
    expect(ingress.spec?.rules).toEqual([
      {
        host: `${name}.${DOMAIN}`,
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: workload, port: { name: 'http' } } } }],
        },
      },
    ]);

    // Hibernate: replicas 0 through the scale subresource, same Deployment, URL kept.
    await k8s.sessions.patch(name, {
      spec: { state: 'hibernated' },
      metadata: { annotations: { 'streamspace.io/state-reason': 'idle' } },
    });
    const hibernated = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Hibernated'));
    expect(hibernated.status).toMatchObject({
      podName: '',
      url: `https://${name}.${DOMAIN}/`,
      message: 'Hibernated after 30m without activity',
    });
    expect(condition(hibernated, 'WorkloadReady')).toMatchObject({ status: 'False', reason: 'ScaledToZero' });
    // The scale subresource omits a zero replica count.
    expect((await k8s.deployments.readScale(namespace, workload)).spec?.replicas ?? 0).toBe(0);
    const scaledDown = await unlessNotFound(k8s.deployments.get(namespace, workload));
    expect(scaledDown?.spec?.replicas).toBe(0);
    expect(scaledDown?.metadata?.uid).toBe(deployment.metadata?.uid);
    expect(await k8s.pods.list(namespace, `streamspace.io/session=${name}`)).toEqual([]);

    // Wake.
    await k8s.sessions.patchSpec(name, { state: 'running' });
    const woken = await sessionEventually(k8s, name, (s) => {
      expect(s.status?.phase).toBe('Running');
      expect(s.status?.podName).not.toBe('');
    });
    expect(woken.status?.url).toBe(`https://${name}.${DOMAIN}/`);
    expect((await unlessNotFound(k8s.deployments.get(namespace, workload)))?.metadata?.uid).toBe(
      deployment.metadata?.uid,
    );

    // Terminate: workload objects go, the home volume stays.
    await k8s.sessions.patchSpec(name, { state: 'terminated' });
    const terminated = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Terminated'));
    expect(terminated.status).toMatchObject({ podName: '', url: '' });
    expect(condition(terminated, 'WorkloadReady')).toMatchObject({ status: 'False', reason: 'Removed' });
    expect(await unlessNotFound(k8s.deployments.get(namespace, workload))).toBeUndefined();
    expect(await unlessNotFound(k8s.services.get(namespace, workload))).toBeUndefined();
    expect(await unlessNotFound(k8s.ingresses.get(namespace, workload))).toBeUndefined();
    expect((await unlessNotFound(k8s.pvcs.get(namespace, homeVolumeName(user))))?.metadata?.uid).toBe(
      claim.metadata?.uid,
    );

    // Back to running: the workload is recreated.
    await k8s.sessions.patchSpec(name, { state: 'running' });
    await sessionEventually(k8s, name, (s) => {
      expect(s.status?.phase).toBe('Running');
      expect(s.status?.url).toBe(`https://${name}.${DOMAIN}/`);
    });
    expect((await unlessNotFound(k8s.deployments.get(namespace, workload)))?.metadata?.uid).not.toBe(
      deployment.metadata?.uid,
    );
  });

  it('leaves lastActivity alone and does not rewrite an unchanged status', async () => {
    const name = unique('quiet');
    await createSession(k8s, name, unique('quiet'), { template, state: 'running', persistentHome: false });
    const running = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'));
    const activity = '2026-11-26T00:00:00.000Z';
    const touched = await k8s.sessions.patchStatus(name, { lastActivity: activity });
    // A spec change that needs no workload change triggers a pass that writes nothing but observedGeneration.
    await k8s.sessions.patchSpec(name, { tags: ['work'] });
    const after = await sessionEventually(k8s, name, (s) =>
      expect(s.status?.observedGeneration).toBe((running.metadata.generation ?? 0) + 1),
    );
    expect(after.status?.lastActivity).toBe(activity);
    expect(after.status?.phase).toBe('Running');
    expect(after.status?.conditions).toEqual(
      touched.status?.conditions?.map((c) => ({ ...c, observedGeneration: after.metadata.generation })),
    );
    const stable = after.metadata.resourceVersion;
    // Its own status write and Deployment events trigger more passes; none of them writes again.
    const deployment = (await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`)))!;
    await eventHandled(
      env.app,
      env.app.get(ManagedDeploymentCache),
      deployment.metadata!.name!,
      deployment.metadata!.resourceVersion,
    );
    await eventHandled(env.app, env.app.get(SessionCache), name, stable);
    expect((await k8s.sessions.get(name)).metadata.resourceVersion).toBe(stable);
  });

  it('garbage-collects the owned objects when the Session is deleted, keeping the home volume', async () => {
    const user = unique('bob');
    const name = unique('bob-firefox');
    await createSession(k8s, name, user, { template, state: 'running' });
    await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'));
    await k8s.sessions.delete(name);
    const workload = `ss-${name}`;
    await eventually(
      async () => {
        expect(await unlessNotFound(k8s.deployments.get(namespace, workload))).toBeUndefined();
        expect(await unlessNotFound(k8s.services.get(namespace, workload))).toBeUndefined();
        expect(await unlessNotFound(k8s.ingresses.get(namespace, workload))).toBeUndefined();
      },
      60_000,
      500,
    );
    expect(await unlessNotFound(k8s.pvcs.get(namespace, homeVolumeName(user)))).toBeDefined();
  }, 90_000);

  it('fails with TemplateNotFound while the Template is missing and recovers when it appears', async () => {
    const missing = unique('later');
    const name = unique('carol-later');
    await createSession(k8s, name, unique('carol'), { template: missing, state: 'running' });
    const failed = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Failed'));
    expect(condition(failed, 'TemplateResolved')).toMatchObject({ status: 'False', reason: 'TemplateNotFound' });
    expect(failed.status?.message).toBe(`Template '${missing}' not found`);
    expect(await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`))).toBeUndefined();

    await k8s.templates.create({
      metadata: { name: missing },
      spec: templateSpec({ vnc: { enabled: false }, ports: [{ containerPort: 8080 }] }),
    });
    const recovered = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'));
    expect(condition(recovered, 'TemplateResolved')).toMatchObject({ status: 'True', reason: 'Found' });
    expect((await unlessNotFound(k8s.services.get(namespace, `ss-${name}`)))?.spec?.ports).toMatchObject([
      { name: 'http', port: 8080, targetPort: 8080 },
    ]);
  });

  it('runs a session without persistent home with no claim and no /config volume', async () => {
    const user = unique('dave');
    const name = unique('dave-firefox');
    await createSession(k8s, name, user, { template, state: 'running', persistentHome: false });
    const running = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'));
    expect(condition(running, 'HomeVolumeReady')).toMatchObject({ status: 'True', reason: 'NotRequired' });
    expect(await unlessNotFound(k8s.pvcs.get(namespace, homeVolumeName(user)))).toBeUndefined();
    const podSpec = (await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`)))!.spec!.template.spec!;
    expect(podSpec.volumes?.map((v) => v.name)).toEqual(['dshm']);
    expect(podSpec.containers[0].volumeMounts?.map((m) => m.mountPath)).toEqual(['/dev/shm']);
  });

  it('creates a session that starts hibernated with its objects at zero replicas', async () => {
    const name = unique('erin-firefox');
    await createSession(k8s, name, unique('erin'), { template, state: 'hibernated' });
    const hibernated = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Hibernated'));
    expect(hibernated.status?.url).toBe(`https://${name}.${DOMAIN}/`);
    expect((await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`)))?.spec?.replicas).toBe(0);
    expect(await unlessNotFound(k8s.services.get(namespace, `ss-${name}`))).toBeDefined();
  });

  it('refuses to adopt an object of the same name it did not create (CreateFailed)', async () => {
    const name = unique('frank-firefox');
    await k8s.services.create(namespace, {
      metadata: { name: `ss-${name}`, labels: { app: 'someone-else' } },
      spec: { ports: [{ port: 80 }] },
    });
    await createSession(k8s, name, unique('frank'), { template, state: 'running', persistentHome: false });
    const failed = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Failed'));
    expect(condition(failed, 'WorkloadReady')).toMatchObject({ status: 'False', reason: 'CreateFailed' });
    expect(failed.status?.message).toContain(`Service 'ss-${name}' already exists`);
    expect((await unlessNotFound(k8s.services.get(namespace, `ss-${name}`)))?.metadata?.labels).toEqual({
      app: 'someone-else',
    });
  });

  it('recreates a Deployment that was deleted behind its back', async () => {
    const name = unique('gina-firefox');
    await createSession(k8s, name, unique('gina'), { template, state: 'running', persistentHome: false });
    await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'));
    const before = (await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`)))!;
    await k8s.deployments.delete(namespace, `ss-${name}`);
    await eventually(
      async () => {
        const after = await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`));
        expect(after?.metadata?.uid).toBeDefined();
        expect(after?.metadata?.uid).not.toBe(before.metadata?.uid);
      },
      20_000,
      200,
    );
    await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'));
  });

  it('does not create a home volume beyond the owner’s storage quota (QuotaExceeded), and proceeds once it fits', async () => {
    const user = unique('Hank');
    const account = await env.app.get(UsersService).create({
      username: user,
      email: `${user.toLowerCase()}@example.test`,
      password: 'pw-0123456789abcdef',
      role: 'user',
    });
    const db = env.app.get(DataSource);
    await db.query('INSERT INTO user_quotas (user_id, max_storage_mib) VALUES ($1, 1024)', [account.id]);
    const name = unique('hank-firefox');
    await createSession(k8s, name, user, { template, state: 'running' });

    const failed = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Failed'));
    expect(condition(failed, 'HomeVolumeReady')).toMatchObject({ status: 'False', reason: 'QuotaExceeded' });
    expect(failed.status?.message).toBe('storage quota exceeded: home volume needs 50Gi, limit is 1Gi');
    expect(await unlessNotFound(k8s.pvcs.get(namespace, homeVolumeName(user)))).toBeUndefined();
    expect(await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`))).toBeUndefined();

    await db.query('UPDATE user_quotas SET max_storage_mib = NULL WHERE user_id = $1', [account.id]);
    // Quota rows have no watch: the next event (here a spec change) or resync picks the change up.
    await k8s.sessions.patchSpec(name, { tags: ['retry'] });
    const running = await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'));
    expect(condition(running, 'HomeVolumeReady')).toMatchObject({ status: 'True', reason: 'Present' });
  });
});
