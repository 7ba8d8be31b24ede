import { appendFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { K8sService } from '../../src/kubernetes/k8s.service.js';
import { eventually } from '../support/eventually.js';
import { kubectl } from '../support/kubectl.js';
import { startKubernetesModule } from '../support/kubernetes.js';
import { testNamespace } from '../support/namespace.js';

const logLine = (text: string) => `${new Date().toISOString()} stdout F ${text}\n`;

/** Full mode: controller-manager, scheduler and kwok run pods on fake nodes and serve their logs. */
describe('full-mode test cluster', () => {
  let k8s: K8sService;
  let close: () => Promise<void>;
  const namespace = testNamespace();

  beforeAll(async () => {
    ({ k8s, close } = await startKubernetesModule());
  });
  afterAll(() => close());

  it('runs a Deployment’s pod on a fake node, and its log can be read and followed', async () => {
    await k8s.deployments.create(namespace, {
      metadata: { name: 'smoke', labels: { app: 'smoke' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'smoke' } },
        template: {
          metadata: { labels: { app: 'smoke' } },
          spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] },
        },
      },
    });

    const pod = await eventually(
      async () => {
        const [running] = (await k8s.pods.list(namespace, 'app=smoke')).filter((p) => p.status?.phase === 'Running');
        expect(running).toBeDefined();
        return running;
      },
      30_000,
      200,
    );
    const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])).items;
    const fakeNodes = nodes.filter(
      (n: { metadata: { annotations?: Record<string, string> } }) =>
        n.metadata.annotations?.['kwok.x-k8s.io/node'] === 'fake',
    );
    expect(fakeNodes.map((n: { metadata: { name: string } }) => n.metadata.name)).toContain(pod.spec?.nodeName);

    const podName = pod.metadata!.name!;
    const marker = `hello-${Date.now()}`;
    appendFileSync(process.env.STREAMSPACE_TEST_POD_LOG_FILE!, logLine(marker));
    await eventually(async () => expect(await k8s.pods.logs.read(namespace, podName)).toContain(marker));

    const followed = new PassThrough();
    let received = '';
    followed.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const handle = await k8s.pods.logs.follow(namespace, podName, followed, { tailLines: 1 });
    const later = `followed-${Date.now()}`;
    appendFileSync(process.env.STREAMSPACE_TEST_POD_LOG_FILE!, logLine(later));
    await eventually(() => expect(received).toContain(later), 15_000);
    handle.abort();

    await k8s.deployments.delete(namespace, 'smoke');
  }, 60_000);
});
