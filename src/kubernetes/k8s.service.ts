import { Inject, Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import {
  AppsV1Api,
  type ConfigurationOptions,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  Log,
  NetworkingV1Api,
  type V1ConfigMap,
  type V1Deployment,
  type V1Ingress,
  type V1Node,
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
  V1Node,
  V1OwnerReference,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
  V1Taint,
} from '@kubernetes/client-node';

/**
 * A kind by its REST coordinates; group '' is the core group (served at /api/v1). Objects read
 * through these coordinates are the API server's JSON untouched: timestamps are strings even
 * where the client's types say Date.
 */
export interface ResourceType {
  kind: string;
  group: string;
  version: string;
  plural: string;
}

/** A list object as the API server sent it (api-contract §3.9 returns these verbatim). */
export interface ObjectList<T = StoredObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/** One RFC 6902 operation; nodes are changed with these (taints) or with merge patches. */
export type JsonPatchOperation =
  { op: 'test' | 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

export type NodeObject = V1Node & StoredObject;
export type PodObject = V1Pod & StoredObject;

/** `blocked`: the API server answered 429, a PodDisruptionBudget (or throttling) forbids it now. */
export type EvictionOutcome = { blocked: false } | { blocked: true; message: string };

export const NODE_RESOURCE: ResourceType = { kind: 'Node', group: '', version: 'v1', plural: 'nodes' };
export const POD_RESOURCE: ResourceType = { kind: 'Pod', group: '', version: 'v1', plural: 'pods' };
export const NAMESPACE_RESOURCE: ResourceType = { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces' };

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
  private readonly customObjects: CustomObjectsApi;

  constructor(config: AppConfig, @Inject(KUBE_CONFIG) kubeConfig: KubeConfig) {
    this.namespace = config.namespace;
    this.watcher = new Watch(kubeConfig);
    this.logs = new Log(kubeConfig);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
    this.customObjects = customObjects;
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
    const operation = {
      verb: 'create',
      resource: 'deployments',
      kind: 'Deployment',
      namespace,
      name: body.metadata?.name,
    } as const;
    return this.requests.send(operation, (options) =>
      this.apps.createNamespacedDeployment({ namespace, body }, options),
    );
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
    return orUndefined(
      this.requests.send(operation, (options) => this.apps.readNamespacedDeployment({ namespace, name }, options)),
    );
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
    return {
      items: list.items,
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?.['_continue'],
    };
  }

  /** Collection path of Deployments, for `watch`. */
  deploymentsPath(namespace: string): string {
    return `/apis/apps/v1/namespaces/${namespace}/deployments`;
  }

  readDeploymentScale(namespace: string, name: string): Promise<V1Scale> {
    const operation = { verb: 'get', resource: 'deployments/scale', kind: 'Deployment', namespace, name } as const;
    return this.requests.send(operation, (options) =>
      this.apps.readNamespacedDeploymentScale({ namespace, name }, options),
    );
  }

  /** Sets replicas through the scale subresource, the only change made to a running Deployment. */
  scaleDeployment(namespace: string, name: string, replicas: number): Promise<V1Scale> {
    const operation = { verb: 'patch', resource: 'deployments/scale', kind: 'Deployment', namespace, name } as const;
    return this.requests.send(operation, (options) =>
      this.apps.patchNamespacedDeploymentScale(
        { namespace, name, body: { spec: { replicas } } },
        this.requests.mergePatch(options),
      ),
    );
  }

  createPersistentVolumeClaim(namespace: string, body: V1PersistentVolumeClaim): Promise<V1PersistentVolumeClaim> {
    const operation = {
      verb: 'create',
      resource: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      namespace,
      name: body.metadata?.name,
    } as const;
    return this.requests.send(operation, (options) =>
      this.core.createNamespacedPersistentVolumeClaim({ namespace, body }, options),
    );
  }

  /** The Service, or undefined when there is none. */
  getService(namespace: string, name: string): Promise<V1Service | undefined> {
    const operation = { verb: 'get', resource: 'services', kind: 'Service', namespace, name } as const;
    return orUndefined(
      this.requests.send(operation, (options) => this.core.readNamespacedService({ namespace, name }, options)),
    );
  }

  createService(namespace: string, body: V1Service): Promise<V1Service> {
    const operation = {
      verb: 'create',
      resource: 'services',
      kind: 'Service',
      namespace,
      name: body.metadata?.name,
    } as const;
    return this.requests.send(operation, (options) => this.core.createNamespacedService({ namespace, body }, options));
  }

  async deleteService(namespace: string, name: string): Promise<void> {
    const operation = { verb: 'delete', resource: 'services', kind: 'Service', namespace, name } as const;
    await this.requests.send(operation, (options) => this.core.deleteNamespacedService({ namespace, name }, options));
  }

  /** The Ingress, or undefined when there is none. */
  getIngress(namespace: string, name: string): Promise<V1Ingress | undefined> {
    const operation = { verb: 'get', resource: 'ingresses', kind: 'Ingress', namespace, name } as const;
    return orUndefined(
      this.requests.send(operation, (options) => this.networking.readNamespacedIngress({ namespace, name }, options)),
    );
  }

  createIngress(namespace: string, body: V1Ingress): Promise<V1Ingress> {
    const operation = {
      verb: 'create',
      resource: 'ingresses',
      kind: 'Ingress',
      namespace,
      name: body.metadata?.name,
    } as const;
    return this.requests.send(operation, (options) =>
      this.networking.createNamespacedIngress({ namespace, body }, options),
    );
  }

  async deleteIngress(namespace: string, name: string): Promise<void> {
    const operation = { verb: 'delete', resource: 'ingresses', kind: 'Ingress', namespace, name } as const;
    await this.requests.send(operation, (options) =>
      this.networking.deleteNamespacedIngress({ namespace, name }, options),
    );
  }

  /** The claim, or undefined when there is none. */
  persistentVolumeClaimsPath(namespace: string): string {
    return `/api/v1/namespaces/${namespace}/persistentvolumeclaims`;
  }

  async listPersistentVolumeClaims(
    namespace: string,
    query: { labelSelector?: string; limit?: number; continue?: string } = {},
  ): Promise<ListResult<V1PersistentVolumeClaim>> {
    const operation = {
      verb: 'list',
      resource: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      namespace,
    } as const;
    const list = await this.requests.send(operation, (options) =>
      this.core.listNamespacedPersistentVolumeClaim(
        { namespace, labelSelector: query.labelSelector, limit: query.limit, _continue: query.continue },
        options,
      ),
    );
    return {
      items: list.items,
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?._continue,
    };
  }

  async getPersistentVolumeClaim(namespace: string, name: string): Promise<V1PersistentVolumeClaim | undefined> {
    const operation = {
      verb: 'get',
      resource: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      namespace,
      name,
    } as const;
    try {
      return await this.requests.send(operation, (options) =>
        this.core.readNamespacedPersistentVolumeClaim({ namespace, name }, options),
      );
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw error;
    }
  }

  async listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    const operation = { verb: 'list', resource: 'pods', kind: 'Pod', namespace } as const;
    const list = await this.requests.send(operation, (options) =>
      this.core.listNamespacedPod({ namespace, labelSelector }, options),
    );
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
  async followPodLog(
    namespace: string,
    name: string,
    sink: Writable,
    logOptions: PodLogOptions = {},
  ): Promise<WatchHandle> {
    const operation = { verb: 'get', resource: 'pods/log', kind: 'Pod', namespace, name } as const;
    const { container: requested, ...rest } = logOptions;
    const container = requested ?? (await this.getPod(namespace, name)).spec?.containers[0]?.name ?? '';
    // The client pipes the response body into the sink, and pipe does not pass errors on: when the
    // body fails (connection lost, or aborted) end the sink, so its reader sees the log end.
    sink.once('pipe', (source: NodeJS.ReadableStream) =>
      source.on('error', () => {
        if (!sink.writableEnded && !sink.destroyed) sink.end();
      }),
    );
    const controller = await this.requests.send(operation, () =>
      this.logs.log(namespace, name, container, sink, { ...rest, follow: true }),
    );
    return { abort: () => controller.abort() };
  }

  // Nodes, cluster-wide pods, evictions and the generic resources of §3.8 and §3.9.

  readonly nodesPath = '/api/v1/nodes';
  /** Every pod in every namespace, for `watch`. */
  readonly allPodsPath = '/api/v1/pods';

  async listNodes(query: ListQuery = {}): Promise<ListResult<NodeObject>> {
    return toListResult(await this.listObjects<NodeObject>(NODE_RESOURCE, undefined, query));
  }

  getNode(name: string): Promise<NodeObject> {
    return this.getObject<NodeObject>(NODE_RESOURCE, undefined, name);
  }

  /** JSON merge patch (labels, cordon). */
  mergePatchNode(name: string, patch: object): Promise<NodeObject> {
    const operation = { verb: 'patch', resource: 'nodes', kind: 'Node', name } as const;
    return this.requests.send(operation, (options) =>
      this.customObjects.patchClusterCustomObject(
        { ...coordinates(NODE_RESOURCE), name, body: patch },
        this.requests.mergePatch(coreGroup(options)),
      ),
    ) as Promise<NodeObject>;
  }

  /** RFC 6902 JSON patch (the client's default patch type here), e.g. test-and-replace of taints. */
  jsonPatchNode(name: string, operations: JsonPatchOperation[]): Promise<NodeObject> {
    const operation = { verb: 'patch', resource: 'nodes', kind: 'Node', name } as const;
    return this.requests.send(operation, (options) =>
      this.customObjects.patchClusterCustomObject(
        { ...coordinates(NODE_RESOURCE), name, body: operations },
        coreGroup(options),
      ),
    ) as Promise<NodeObject>;
  }

  /** One page of pods in all namespaces (e.g. `fieldSelector: spec.nodeName=<node>`). */
  async listAllPods(query: ListQuery = {}): Promise<ListResult<PodObject>> {
    return toListResult(await this.listObjects<PodObject>(POD_RESOURCE, undefined, query));
  }

  /** Creates an Eviction (policy/v1). A 429 is an answer here, not a failure: the caller decides when to retry. */
  evictPod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<EvictionOutcome> {
    const operation = { verb: 'create', resource: 'pods/eviction', kind: 'Pod', namespace, name } as const;
    const body = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace },
      ...(gracePeriodSeconds === undefined ? {} : { deleteOptions: { gracePeriodSeconds } }),
    };
    return this.requests.send(operation, async (options): Promise<EvictionOutcome> => {
      try {
        await this.core.createNamespacedPodEviction({ namespace, name, body }, options);
        return { blocked: false };
      } catch (error) {
        const { code, body: status } = error as { code?: unknown; body?: unknown };
        if (code !== 429) throw error;
        return { blocked: true, message: statusMessage(status) ?? 'Too many requests' };
      }
    });
  }

  /** A list as the API server sent it; `namespace` undefined = cluster-wide (or a cluster-scoped kind). */
  listObjects<T = StoredObject>(
    type: ResourceType,
    namespace: string | undefined,
    query: ListQuery = {},
  ): Promise<ObjectList<T>> {
    const operation = { verb: 'list', resource: type.plural, kind: type.kind, namespace } as const;
    const params = {
      ...coordinates(type),
      labelSelector: query.labelSelector,
      fieldSelector: query.fieldSelector,
      limit: query.limit,
      _continue: query.continue,
    };
    return this.requests.send(operation, (options) =>
      namespace === undefined
        ? this.customObjects.listClusterCustomObject(params, coreGroup(options))
        : this.customObjects.listNamespacedCustomObject({ ...params, namespace }, coreGroup(options)),
    ) as Promise<ObjectList<T>>;
  }

  /** One object; `namespace` undefined for cluster-scoped kinds. */
  getObject<T = StoredObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    const operation = { verb: 'get', resource: type.plural, kind: type.kind, namespace, name } as const;
    return this.requests.send(operation, (options) =>
      namespace === undefined
        ? this.customObjects.getClusterCustomObject({ ...coordinates(type), name }, coreGroup(options))
        : this.customObjects.getNamespacedCustomObject({ ...coordinates(type), namespace, name }, coreGroup(options)),
    ) as Promise<T>;
  }

  createObject<T = StoredObject>(type: ResourceType, namespace: string, body: object): Promise<T> {
    const name = (body as { metadata?: { name?: string } }).metadata?.name;
    const operation = { verb: 'create', resource: type.plural, kind: type.kind, namespace, name } as const;
    return this.requests.send(operation, (options) =>
      this.customObjects.createNamespacedCustomObject({ ...coordinates(type), namespace, body }, coreGroup(options)),
    ) as Promise<T>;
  }

  /** Full replace; a stale `metadata.resourceVersion` in the body fails with a conflict. */
  replaceObject<T = StoredObject>(type: ResourceType, namespace: string, name: string, body: object): Promise<T> {
    const operation = { verb: 'update', resource: type.plural, kind: type.kind, namespace, name } as const;
    return this.requests.send(operation, (options) =>
      this.customObjects.replaceNamespacedCustomObject(
        { ...coordinates(type), namespace, name, body },
        coreGroup(options),
      ),
    ) as Promise<T>;
  }

  async deleteObject(type: ResourceType, namespace: string, name: string): Promise<void> {
    const operation = { verb: 'delete', resource: type.plural, kind: type.kind, namespace, name } as const;
    await this.requests.send(operation, (options) =>
      this.customObjects.deleteNamespacedCustomObject(
        { ...coordinates(type), namespace, name, propagationPolicy: 'Background' },
        coreGroup(options),
      ),
    );
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
      this.core.listNamespacedConfigMap(
        { namespace, fieldSelector: query.fieldSelector, limit: query.limit, _continue: query.continue },
        options,
      ),
    );
    return {
      items: list.items as ConfigMapObject[],
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?._continue,
    };
  }

  readConfigMap(namespace: string, name: string): Promise<ConfigMapObject> {
    const operation = { verb: 'get', resource: 'configmaps', kind: 'ConfigMap', namespace, name } as const;
    return this.requests.send(operation, (options) =>
      this.core.readNamespacedConfigMap({ namespace, name }, options),
    ) as Promise<ConfigMapObject>;
  }

  createConfigMap(namespace: string, body: V1ConfigMap): Promise<ConfigMapObject> {
    const operation = {
      verb: 'create',
      resource: 'configmaps',
      kind: 'ConfigMap',
      namespace,
      name: body.metadata?.name,
    } as const;
    return this.requests.send(operation, (options) =>
      this.core.createNamespacedConfigMap({ namespace, body }, options),
    ) as Promise<ConfigMapObject>;
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
    const controller = await this.watcher.watch(
      path,
      query,
      onEvent as (type: string, object: unknown) => void,
      (error: unknown) => onDone(error ?? undefined),
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

function coordinates(type: ResourceType): { group: string; version: string; plural: string } {
  return { group: type.group, version: type.version, plural: type.plural };
}

function toListResult<T>(list: ObjectList<T>): ListResult<T> {
  return {
    items: list.items,
    resourceVersion: list.metadata?.resourceVersion ?? '',
    continue: list.metadata?.continue || undefined,
  };
}

function statusMessage(body: unknown): string | undefined {
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown } | undefined;
    return typeof status?.message === 'string' ? status.message : undefined;
  } catch {
    return typeof body === 'string' && body ? body : undefined;
  }
}

/**
 * The generic calls go through CustomObjectsApi because it hands back the API server's JSON
 * untouched (the typed clients round-trip objects through models that drop unknown fields and
 * rewrite timestamps). It only builds `/apis/<group>/<version>` paths, so core-group requests
 * (group '') are pointed at `/api/v1`.
 */
function coreGroup(options: ConfigurationOptions): ConfigurationOptions {
  // The generated client chains middleware results with `.toPromise()` (its rxjs stand-in).
  const resolved = <V>(value: V) => ({ toPromise: () => Promise.resolve(value) });
  const middleware = {
    pre: (context: { getUrl(): string; setUrl(url: string): void }) => {
      const url = new URL(context.getUrl());
      if (url.pathname.startsWith('/apis//')) {
        url.pathname = `/api/${url.pathname.slice('/apis//'.length)}`;
        context.setUrl(url.toString());
      }
      return resolved(context);
    },
    post: <R>(response: R) => resolved(response),
  };
  return {
    ...options,
    middleware: [...(options.middleware ?? []), middleware as never],
    middlewareMergeStrategy: 'append',
  };
}
