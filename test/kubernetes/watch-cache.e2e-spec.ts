import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ControlPlane } from '../control-plane/control-plane.js';
import type { SessionCache } from '../../src/kubernetes/custom-resource.cache.js';
import type { K8sService } from '../../src/kubernetes/k8s.service.js';
import type { SessionResource } from '../../src/kubernetes/resources.js';
import { WatchCache } from '../../src/kubernetes/watch-cache.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { testNamespace } from '../support/namespace.js';
import { startKubernetesModule } from '../support/kubernetes.js';

const sessionYaml = (name: string, state = 'running') => `
apiVersion: stream.space/v1alpha1
kind: Session
metadata: {name: ${name}, namespace: ${testNamespace()}}
spec: {user: bob, template: firefox, state: ${state}}
`;

/** A private API server for this file, so stopping it does not disturb other tests. */
describe('Session watch cache against a real API server', () => {
  let plane: ControlPlane;
  let cache: SessionCache;
  let k8s: K8sService;
  let close: () => Promise<void>;
  const run = (args: string[], input?: string) => kubectl(args, input, plane.kubeconfigPath);

  beforeAll(async () => {
    // Without the API server's watch cache, watches read etcd itself: compaction answers 410 Gone.
    plane = await ControlPlane.start({ mode: 'lite', apiServerArgs: ['--watch-cache=false'] });
    ({ k8s, sessions: cache, close } = await startKubernetesModule({ KUBECONFIG: plane.kubeconfigPath }));
    await cache.ready;
  });
  afterAll(async () => {
    await close?.();
    await plane?.stop();
  });

  it('sees objects created, changed and deleted by other clients', async () => {
    await run(['apply', '-f', '-'], sessionYaml('bob-one'));
    await eventually(() => expect(cache.get('bob-one')?.spec.state).toBe('running'));
    await run(['apply', '-f', '-'], sessionYaml('bob-one', 'hibernated'));
    await eventually(() => expect(cache.get('bob-one')?.spec.state).toBe('hibernated'));
    await run(['delete', 'sessions.stream.space', 'bob-one', '-n', testNamespace()]);
    await eventually(() => expect(cache.get('bob-one')).toBeUndefined());
  });

  it('resyncs after the API server restarts and misses nothing changed around the outage', async () => {
    await run(
      ['apply', '-f', '-'],
      sessionYaml('bob-keep') + '---' + sessionYaml('bob-gone') + '---' + sessionYaml('bob-change'),
    );
    await eventually(() => expect(cache.size).toBe(3));
    const restartsBefore = cache.restarts;

    await plane.stopApiServer();
    await eventually(() => expect(cache.restarts).toBeGreaterThan(restartsBefore), 20_000, 100);
    await plane.startApiServer();
    // Changed while the cache is still backing off from the outage.
    await run(['delete', 'sessions.stream.space', 'bob-gone', '-n', testNamespace()]);
    await run(['apply', '-f', '-'], sessionYaml('bob-change', 'terminated') + '---' + sessionYaml('bob-new'));

    await eventually(
      () => {
        expect(
          cache
            .list()
            .map((s) => s.metadata.name)
            .sort(),
        ).toEqual(['bob-change', 'bob-keep', 'bob-new']);
        expect(cache.get('bob-change')?.spec.state).toBe('terminated');
      },
      45_000,
      100,
    );

    // And the watch works again afterwards.
    await run(['delete', 'sessions.stream.space', 'bob-keep', '-n', testNamespace()]);
    await eventually(() => expect(cache.get('bob-keep')).toBeUndefined(), 45_000, 100);
  }, 120_000);

  it('relists after a real 410 Gone: its resourceVersion was compacted away in etcd', async () => {
    // A cache of its own whose watches end every 2 s, so it soon resumes from its last version.
    const short = new WatchCache<SessionResource>(
      'sessions-410',
      {
        list: (query) => k8s.sessions.list(query),
        watch: (query, onEvent, onDone) => k8s.watch(k8s.sessions.path, query, onEvent, onDone),
      },
      {
        relistIntervalMs: 10 * 60_000,
        watchTimeoutSeconds: 2,
        watchdogMs: 30_000,
        backoffInitialMs: 100,
        backoffMaxMs: 1000,
      },
    );
    short.start();
    try {
      await short.ready;
      await run(['apply', '-f', '-'], sessionYaml('carol-seen'));
      await eventually(() => expect(short.get('carol-seen')).toBeDefined());
      // Writes of another kind move etcd past the cache's last Session version; then compact.
      for (let i = 0; i < 3; i++) await run(['create', 'configmap', `bump-${i}`, '-n', testNamespace()]);
      await plane.compactEtcd();

      await eventually(() => expect(short.expiries).toBeGreaterThan(0), 20_000, 100);
      expect(short.restarts).toBe(0);
      // It relisted and watches again.
      await run(['apply', '-f', '-'], sessionYaml('carol-after'));
      await eventually(() => expect(short.get('carol-after')).toBeDefined(), 20_000, 100);
      expect(short.get('carol-seen')).toBeDefined();
    } finally {
      short.stop();
    }
  });
});
