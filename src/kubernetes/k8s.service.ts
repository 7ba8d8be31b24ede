import { Inject, Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  Log,
  NetworkingV1Api,
  type V1ConfigMap,
  type V1Deployment,
  type V1Ingress,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1Scale,
  type V1Service,
  Watch,
} from '@kubernetes/client-node';
import { AppConfig } from '../config/app-config.js';
import { CustomResourceClient } from './custom-resource.client.js';
import { KUBE_CONFIG } from './kube-config.js';
import { KubernetesNotFoundError } from './kubernetes-errors.js';
import { KubernetesRequests, type ListResult, type WriteListener } from './kubernetes-requests.js';
import {
  APPLICATION_INSTALL_KIND,
  type ApplicationInstallResource,
  type CustomResource,
  type ConfigMapObject,
  type CustomResourceKind,
  SESSION_KIND,
  type SessionResource,
  type StoredObject,
  TEMPLATE_KIND,
  type TemplateResource,
} from './resources.js';

/** Object types of the core kinds K8sService reads and writes, so other modules need not import the client. */
export type {
  V1Container,
  V1Deployment,
  V1Ingress,
  V1OwnerReference,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandle {
  abort(): void;
}

export interface PodLogOptions {
  container?: string;
  tailLines?: number;
  timestamps?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
}

/** Per-call budget and concurrency bound (api-contract §1.6). */
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_CONCURRENT_REQUESTS = 32;

/**
 * The one gateway to the Kubernetes API. Typed clients per resource; every request has a
 * deadline, bounded concurrency and typed errors (see KubernetesRequests). To add a kind, add a
 * client here built on the same KubernetesRequests.
 */
@Injectable()
export class K8sService {
  readonly namespace: string;
  readonly sessions: CustomResourceClient<SessionResource>;
  readonly templates: CustomResourceClient<TemplateResource>;
  readonly applicationInstalls: CustomResourceClient<ApplicationInstallResource>;

  private readonly requests = new KubernetesRequests({
    timeoutMs: REQUEST_TIMEOUT_MS,
    maxConcurrent: MAX_CONCURRENT_REQUESTS,
  });
  private readonly writeListeners = new Set<WriteListener>();
  private readonly watcher: Watch;
  private readonly logs: Log;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly networking: NetworkingV1Api;

  constructor(config: AppConfig, @Inject(KUBE_CONFIG) kubeConfig: KubeConfig) {
    this.namespace = config.namespace;
    this.watcher = new Watch(kubeConfig);
    this.logs = new Log(kubeConfig);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
    const notify: WriteListener = (resource, change, object) => {
      for (const listener of this.writeListeners) listener(resource, change, object);
    };
    const client = <T extends CustomResource>(kind: CustomResourceKind) =>
      new CustomResourceClient<T>(this.requests, customObjects, kind, config.namespace, notify);
    this.sessions = client<SessionResource>(SESSION_KIND);
    this.templates = client<TemplateResource>(TEMPLATE_KIND);
    this.applicationInstalls = client<ApplicationInstallResource>(APPLICATION_INSTALL_KIND);
  }

  // Core resources. Each method names its operation so failures map as api-contract §1.7 says.

  createDeployment(namespace: string, body: V1Deployment): Promise<V1Deployment> {
    const operation = { verb: 'create', resource: 'deployments', kind: 'Deployment', namespace, name: body.metadata?.name } as const;
    return this.requests.send(operation, (options) => this.apps.createNamespacedDeployment({ namespace, body }, options));
  }

  async deleteDeployment(namespace: string, name: string): Promise<void> {
    const operation = { verb: 'delete', resource: 'deployments', kind: 'Deployment', namespace, name } as const;
    await this.requests.send(operation, (options) =>
      this.apps.deleteNamespacedDeployment({ namespace, name, propagationPolicy: 'Background' }, options),
    );
  }

  /** The Deployment, or undefined when there is none. */
  getDeployment(namespace: string, name: string): Promise<V1Deployment | undefined> {
    const operation = { verb: 'get', resource: 'deployments', kind: 'Deployment', namespace, name } as const;
    return orUndefined(this.requests.send(operation, (options) => this.apps.readNamespacedDeployment({ namespace, name }, options)));
  }

  async listDeployments(
    namespace: string,
    query: { labelSelector?: string; limit?: number; continue?: string } = {},
  ): Promise<ListResult<V1Deployment>> {
    const operation = { verb: 'list', resource: 'deployments', kind: 'Deployment', namespace } as const;
    const list = await this.requests.send(operation, (options) =>
      this.apps.listNamespacedDeployment(
        { namespace, labelSelector: query.labelSelector, limit: query.limit, _continue: query.continue },
        options,
      ),
    );
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '', continue: list.metadata?.['_continue'] };
  }

  /** Collection path of Deployments, for `watch`. */
  deploymentsPath(namespace: string): string {
    return `/apis/apps/v1/namespaces/${namespace}/deployments`;
  }

  readDeploymentScale(namespace: string, name: string): Promise<V1Scale> {
    const operation = { verb: 'get', resource: 'deployments/scale', kind: 'Deployment', namespace, name } as const;
    return this.requests.send(operation, (options) => this.apps.readNamespacedDeploymentScale({ namespace, name }, options));
  }

  /** Sets replicas through the scale subresource, the only change made to a running Deployment. */
  scaleDeployment(namespace: string, name: string, replicas: number): Promise<V1Scale> {
    const operation = { verb: 'patch', resource: 'deployments/scale', kind: 'Deployment', namespace, name } as const;
    return this.requests.send(operation, (options) =>
      this.apps.patchNamespacedDeploymentScale({ namespace, name, body: { spec: { replicas } } }, this.requests.mergePatch(options)),
    );
  }

  createPersistentVolumeClaim(namespace: string, body: V1PersistentVolumeClaim): Promise<V1PersistentVolumeClaim> {
    const operation = { verb: 'create', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespace, name: body.metadata?.name } as const;
    return this.requests.send(operation, (options) => this.core.createNamespacedPersistentVolumeClaim({ namespace, body }, options));
  }

  /** The Service, or undefined when there is none. */
  getService(namespace: string, name: string): Promise<V1Service | undefined> {
    const operation = { verb: 'get', resource: 'services', kind: 'Service', namespace, name } as const;
    return orUndefined(this.requests.send(operation, (options) => this.core.readNamespacedService({ namespace, name }, options)));
  }

  createService(namespace: string, body: V1Service): Promise<V1Service> {
    const operation = { verb: 'create', resource: 'services', kind: 'Service', namespace, name: body.metadata?.name } as const;
    return this.requests.send(operation, (options) => this.core.createNamespacedService({ namespace, body }, options));
  }

  async deleteService(namespace: string, name: string): Promise<void> {
    const operation = { verb: 'delete', resource: 'services', kind: 'Service', namespace, name } as const;
    await this.requests.send(operation, (options) => this.core.deleteNamespacedService({ namespace, name }, options));
  }

  /** The Ingress, or undefined when there is none. */
  getIngress(namespace: string, name: string): Promise<V1Ingress | undefined> {
    const operation = { verb: 'get', resource: 'ingresses', kind: 'Ingress', namespace, name } as const;
    return orUndefined(this.requests.send(operation, (options) => this.networking.readNamespacedIngress({ namespace, name }, options)));
  }

  createIngress(namespace: string, body: V1Ingress): Promise<V1Ingress> {
    const operation = { verb: 'create', resource: 'ingresses', kind: 'Ingress', namespace, name: body.metadata?.name } as const;
    return this.requests.send(operation, (options) => this.networking.createNamespacedIngress({ namespace, body }, options));
  }

  async deleteIngress(namespace: string, name: string): Promise<void> {
    const operation = { verb: 'delete', resource: 'ingresses', kind: 'Ingress', namespace, name } as const;
    await this.requests.send(operation, (options) => this.networking.deleteNamespacedIngress({ namespace, name }, options));
  }

  /** The claim, or undefined when there is none. */
  async getPersistentVolumeClaim(namespace: string, name: string): Promise<V1PersistentVolumeClaim | undefined> {
    const operation = { verb: 'get', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespace, name } as const;
    try {
      return await this.requests.send(operation, (options) => this.core.readNamespacedPersistentVolumeClaim({ namespace, name }, options));
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw error;
    }
  }

  async listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    const operation = { verb: 'list', resource: 'pods', kind: 'Pod', namespace } as const;
    const list = await this.requests.send(operation, (options) => this.core.listNamespacedPod({ namespace, labelSelector }, options));
    return list.items;
  }

  getPod(namespace: string, name: string): Promise<V1Pod> {
    const operation = { verb: 'get', resource: 'pods', kind: 'Pod', namespace, name } as const;
    return this.requests.send(operation, (options) => this.core.readNamespacedPod({ namespace, name }, options));
  }

  /** The log as text (what `kubectl logs` prints). */
  readPodLog(namespace: string, name: string, logOptions: PodLogOptions = {}): Promise<string> {
    const operation = { verb: 'get', resource: 'pods/log', kind: 'Pod', namespace, name } as const;
    return this.requests.send(operation, (options) =>
      this.core.readNamespacedPodLog({ namespace, name, ...logOptions }, options),
    );
  }

  /**
   * Follows a pod's log into `sink` (piped, so a slow sink slows the read instead of buffering).
   * The sink ends when the log ends; abort the handle when the reader goes away.
   */
  async followPodLog(namespace: string, name: string, sink: Writable, logOptions: PodLogOptions = {}): Promise<WatchHandle> {
    const operation = { verb: 'get', resource: 'pods/log', kind: 'Pod', namespace, name } as const;
    const { container: requested, ...rest } = logOptions;
    const container = requested ?? (await this.getPod(namespace, name)).spec?.containers[0]?.name ?? '';
    const controller = await this.requests.send(operation, () =>
      this.logs.log(namespace, name, container, sink, { ...rest, follow: true }),
    );
    return { abort: () => controller.abort() };
  }

  /** Subscribes to the objects that writes through this service returned. */
  onWrite(listener: WriteListener): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /**
   * Opens a watch on a collection path. `onDone` is called exactly once, when the stream ends for
   * any reason (server timeout, error, abort).
   */
  // The platform ConfigMap (§3.10).

  configMapsPath(namespace: string): string {
    return `/api/v1/namespaces/${namespace}/configmaps`;
  }

  async listConfigMaps(
    namespace: string,
    query: { fieldSelector?: string; limit?: number; continue?: string },
  ): Promise<ListResult<ConfigMapObject>> {
    const operation = { verb: 'list', resource: 'configmaps', kind: 'ConfigMap', namespace } as const;
    const list = await this.requests.send(operation, (options) =>
      this.core.listNamespacedConfigMap({ namespace, fieldSelector: query.fieldSelector, limit: query.limit, _continue: query.continue }, options),
    );
    return { items: list.items as ConfigMapObject[], resourceVersion: list.metadata?.resourceVersion ?? '', continue: list.metadata?._continue };
  }

  readConfigMap(namespace: string, name: string): Promise<ConfigMapObject> {
    const operation = { verb: 'get', resource: 'configmaps', kind: 'ConfigMap', namespace, name } as const;
    return this.requests.send(operation, (options) => this.core.readNamespacedConfigMap({ namespace, name }, options)) as Promise<ConfigMapObject>;
  }

  createConfigMap(namespace: string, body: V1ConfigMap): Promise<ConfigMapObject> {
    const operation = { verb: 'create', resource: 'configmaps', kind: 'ConfigMap', namespace, name: body.metadata?.name } as const;
    return this.requests.send(operation, (options) => this.core.createNamespacedConfigMap({ namespace, body }, options)) as Promise<ConfigMapObject>;
  }

  /** A full replace: carrying the read resourceVersion makes a concurrent change fail with a conflict. */
  replaceConfigMap(namespace: string, name: string, body: V1ConfigMap): Promise<ConfigMapObject> {
    const operation = { verb: 'update', resource: 'configmaps', kind: 'ConfigMap', namespace, name } as const;
    return this.requests.send(operation, (options) =>
      this.core.replaceNamespacedConfigMap({ namespace, name, body }, options),
    ) as Promise<ConfigMapObject>;
  }

  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: WatchEventType, object: StoredObject & { code?: number }) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle> {
    const controller = await this.watcher.watch(path, query, onEvent as (type: string, object: unknown) => void, (error: unknown) =>
      onDone(error ?? undefined),
    );
    return { abort: () => controller.abort() };
  }
}

/** A read's result, or undefined when the object does not exist. */
async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof KubernetesNotFoundError) return undefined;
    throw error;
  }
}
