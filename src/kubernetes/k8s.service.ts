import { Inject, Injectable } from '@nestjs/common';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  Log,
  NetworkingV1Api,
  Watch,
} from '@kubernetes/client-node';
import { AppConfig } from '../config/app-config.js';
import { ConfigMapClient } from './clients/config-map.client.js';
import { CustomResourceClient } from './clients/custom-resource.client.js';
import { DeploymentClient } from './clients/deployment.client.js';
import { GenericObjectClient } from './clients/generic-object.client.js';
import { IngressClient } from './clients/ingress.client.js';
import { NodeClient } from './clients/node.client.js';
import { PersistentVolumeClaimClient } from './clients/persistent-volume-claim.client.js';
import { PodClient } from './clients/pod.client.js';
import { ServiceClient } from './clients/service.client.js';
import { KUBE_CONFIG } from './kube-config.js';
import { KubernetesRequests, type WriteListener } from './kubernetes-requests.js';
import {
  APPLICATION_INSTALL_KIND,
  type ApplicationInstallResource,
  type CustomResource,
  type CustomResourceKind,
  SESSION_KIND,
  type SessionResource,
  type StoredObject,
  TEMPLATE_KIND,
  type TemplateResource,
} from './resources.js';
import type { WatchEventType, WatchHandle } from './watch-cache.js';

/** Per-call budget (api-contract §1.6) and the bounds of the two lanes (request-lanes.ts). */
const REQUEST_TIMEOUT_MS = 10_000;
const REQUEST_LANE = { maxConcurrent: 24, maxQueued: 256 };
const BACKGROUND_LANE = { maxConcurrent: 16, maxQueued: 1024 };

/**
 * The one gateway to the Kubernetes API: one small typed client per kind (`k8s.deployments.get()`,
 * `k8s.pods.logs.follow()`, `k8s.sessions.patchStatus()`, …). Every client sends through the same
 * KubernetesRequests, so all calls share one deadline rule, the bounded lanes, the 429
 * back-off and the typed errors. To add a kind, add a client in clients/ built the same way.
 */
@Injectable()
export class K8sService {
  readonly namespace: string;
  readonly sessions: CustomResourceClient<SessionResource>;
  readonly templates: CustomResourceClient<TemplateResource>;
  readonly applicationInstalls: CustomResourceClient<ApplicationInstallResource>;
  readonly deployments: DeploymentClient;
  readonly services: ServiceClient;
  readonly ingresses: IngressClient;
  readonly pvcs: PersistentVolumeClaimClient;
  readonly configMaps: ConfigMapClient;
  readonly pods: PodClient;
  readonly nodes: NodeClient;
  /** Any kind by its coordinates, as raw JSON (the allow-listed generic resources of §3.9). */
  readonly objects: GenericObjectClient;

  private readonly requests = new KubernetesRequests({
    timeoutMs: REQUEST_TIMEOUT_MS,
    lanes: { request: REQUEST_LANE, background: BACKGROUND_LANE },
  });
  private readonly writeListeners = new Set<WriteListener>();
  private readonly watcher: Watch;

  constructor(config: AppConfig, @Inject(KUBE_CONFIG) kubeConfig: KubeConfig) {
    this.namespace = config.namespace;
    this.watcher = new Watch(kubeConfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
    const requests = this.requests;

    const notify: WriteListener = (resource, change, object) => {
      for (const listener of this.writeListeners) listener(resource, change, object);
    };
    const customResources = <T extends CustomResource>(kind: CustomResourceKind) =>
      new CustomResourceClient<T>(requests, customObjects, kind, config.namespace, notify);
    this.sessions = customResources<SessionResource>(SESSION_KIND);
    this.templates = customResources<TemplateResource>(TEMPLATE_KIND);
    this.applicationInstalls = customResources<ApplicationInstallResource>(APPLICATION_INSTALL_KIND);

    this.objects = new GenericObjectClient(requests, customObjects);
    this.deployments = new DeploymentClient(requests, kubeConfig.makeApiClient(AppsV1Api));
    this.services = new ServiceClient(requests, core);
    this.ingresses = new IngressClient(requests, kubeConfig.makeApiClient(NetworkingV1Api));
    this.pvcs = new PersistentVolumeClaimClient(requests, core);
    this.configMaps = new ConfigMapClient(requests, core);
    this.pods = new PodClient(requests, core, this.objects, new Log(kubeConfig));
    this.nodes = new NodeClient(requests, this.objects, customObjects);
  }

  /** Subscribes to the objects that custom resource writes returned (read-your-writes for the caches). */
  onWrite(listener: WriteListener): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /**
   * Opens a watch on a collection path (each client names its `path`). `onDone` is called exactly
   * once, when the stream ends for any reason (server timeout, error, abort).
   */
  async watch<T extends StoredObject>(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: WatchEventType, object: T & { code?: number }) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle> {
    const controller = await this.watcher.watch(
      path,
      query,
      onEvent as (type: string, object: unknown) => void,
      (error: unknown) => onDone(error ?? undefined),
    );
    return { abort: () => controller.abort() };
  }
}
