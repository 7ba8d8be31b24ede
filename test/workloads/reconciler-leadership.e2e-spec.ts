import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LeaderElection, LEADER_RETRY_MS } from '../../src/database/leader-election.js';
import { eventually } from '../support/eventually.js';
import {
  type WorkloadsApp,
  createSession,
  isolatedScope,
  sessionEventually,
  startAppIn,
  templateSpec,
  unique,
} from './workloads-fixture.js';
import { unlessNotFound } from '../../src/kubernetes/kubernetes-errors.js';
import { SessionCache } from '../../src/kubernetes/custom-resource.cache.js';
import { eventHandled } from '../support/settled.js';

/** Only the leader reconciles; a replica that becomes leader makes a full pass (api-contract §5.9). */
describe('Session workloads reconciler and leadership', () => {
  let scope: Awaited<ReturnType<typeof isolatedScope>>;
  let leader: WorkloadsApp | undefined;
  let follower: WorkloadsApp;

  beforeAll(async () => {
    scope = await isolatedScope();
    // The leader has its reconciler off, so any workload object can only come from the follower.
    leader = await startAppIn(scope, { RECONCILER_ENABLED: 'false' });
    await eventually(() => expect(leader!.app.get(LeaderElection).isLeader).toBe(true), 20_000, 100);
    follower = await startAppIn(scope);
  });
  afterAll(async () => {
    await leader?.close();
    await follower?.close();
    await scope?.drop();
  });

  it('leaves Sessions alone as a follower and reconciles them all once it becomes leader', async () => {
    const { k8s, namespace } = follower;
    const template = unique('firefox');
    await k8s.templates.create({ metadata: { name: template }, spec: templateSpec() });
    const name = unique('alice-firefox');
    await createSession(k8s, name, unique('alice'), { template, state: 'running', persistentHome: false });

    await eventHandled(follower.app, follower.app.get(SessionCache), name);
    expect(follower.app.get(LeaderElection).isLeader).toBe(false);
    expect(await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`))).toBeUndefined();
    expect((await k8s.sessions.get(name)).status).toBeUndefined();

    await leader!.close();
    leader = undefined;
    // The follower retries the lock every 15 s; on winning it makes a full pass.
    await sessionEventually(k8s, name, (s) => expect(s.status?.phase).toBe('Running'), LEADER_RETRY_MS + 20_000);
    expect(follower.app.get(LeaderElection).isLeader).toBe(true);
    expect(await unlessNotFound(k8s.deployments.get(namespace, `ss-${name}`))).toBeDefined();
  }, 60_000);
});
