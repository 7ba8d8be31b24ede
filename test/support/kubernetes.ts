import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { KubernetesModule } from '../../src/kubernetes/kubernetes.module.js';
import { SessionCache, TemplateCache } from '../../src/kubernetes/custom-resource.cache.js';
import { testConfig } from './test-app.js';

/** The real KubernetesModule (K8sService and caches) against a cluster, without HTTP or database. */
export async function startKubernetesModule(env: NodeJS.ProcessEnv = {}) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(testConfig(env)), KubernetesModule],
  }).compile();
  moduleRef.enableShutdownHooks();
  await moduleRef.init();
  return {
    moduleRef,
    k8s: moduleRef.get(K8sService),
    sessions: moduleRef.get(SessionCache),
    templates: moduleRef.get(TemplateCache),
    close: () => moduleRef.close(),
  };
}

export function sessionManifest(name: string, user = 'alice', extra: Record<string, unknown> = {}) {
  return {
    metadata: { name, labels: { 'streamspace.io/user': user } },
    spec: { user, template: 'firefox', state: 'running' as const, ...extra },
  };
}
