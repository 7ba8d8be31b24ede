import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { HomeVolumeCache } from './home-volume.cache.js';
import { NodeCache } from './node.cache.js';
import { PodCache } from './pod.cache.js';
import { KubernetesHealthService } from './kubernetes-health.service.js';
import { K8sService } from './k8s.service.js';
import { KUBE_CONFIG, loadKubeConfig } from './kube-config.js';
import { SessionCache, TemplateCache } from './custom-resource.cache.js';

/** The only module that talks to the Kubernetes API; shared by every domain module. */
@Global()
@Module({
  providers: [
    { provide: KUBE_CONFIG, inject: [AppConfig], useFactory: (config: AppConfig) => loadKubeConfig(config) },
    K8sService,
    SessionCache,
    TemplateCache,
    NodeCache,
    PodCache,
    HomeVolumeCache,
    KubernetesHealthService,
  ],
  exports: [K8sService, SessionCache, TemplateCache, NodeCache, PodCache, HomeVolumeCache, KubernetesHealthService],
})
export class KubernetesModule {}
