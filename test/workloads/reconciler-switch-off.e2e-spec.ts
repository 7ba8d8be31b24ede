import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LeaderElection } from '../../src/database/leader-election.js';
import { homeVolumeName } from '../../src/kubernetes/names.js';
import { type WorkloadsApp, createSession, startWorkloadsApp, templateSpec, unique } from './workloads-fixture.js';
import { unlessNotFound } from '../../src/kubernetes/kubernetes-errors.js';
import { SessionCache } from '../../src/kubernetes/custom-resource.cache.js';
import { eventHandled } from '../support/settled.js';

/** RECONCILER_ENABLED=false lets another controller own the workloads (api-contract §5.9). */
describe('Session workloads reconciler switched off', () => {
  let env: WorkloadsApp;

  beforeAll(async () => {
    env = await startWorkloadsApp({ RECONCILER_ENABLED: 'false' });
  });
  afterAll(() => env?.close());

  it('creates nothing and writes no status, even as the leader', async () => {
    const { k8s, namespace, app } = env;
    const template = unique('firefox');
    await k8s.templates.create({ metadata: { name: template }, spec: templateSpec() });
    const user = unique('alice');
    const name = unique('alice-firefox');
    await createSession(k8s, name, user, { template, state: 'running' });
    expect(app.get(LeaderElection).isLeader).toBe(true);

    await eventHandled(app, app.get(SessionCache), name);
    expect(await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`))).toBeUndefined();
    expect(await unlessNotFound(k8s.services.get(namespace, `ss-${name}`))).toBeUndefined();
    expect(await unlessNotFound(k8s.ingresses.get(namespace, `ss-${name}`))).toBeUndefined();
    expect(await unlessNotFound(k8s.pvcs.get(namespace, homeVolumeName(user)))).toBeUndefined();
    expect((await k8s.sessions.get(name)).status).toBeUndefined();
  });
});
