import type { ConfigurationOptions, CustomObjectsApi } from '@kubernetes/client-node';
import type { KubernetesOperation } from '../kubernetes-errors.js';
import type { KubernetesRequests } from '../kubernetes-requests.js';
import type { StoredObject } from '../resources.js';
import type { ListQuery } from './kind-client.js';

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

export const NODE_RESOURCE: ResourceType = { kind: 'Node', group: '', version: 'v1', plural: 'nodes' };
export const POD_RESOURCE: ResourceType = { kind: 'Pod', group: '', version: 'v1', plural: 'pods' };
export const NAMESPACE_RESOURCE: ResourceType = { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces' };

/**
 * Any kind by its coordinates, as raw JSON: the allow-listed generic resources of §3.9, and the
 * cluster-wide Node and Pod reads. `namespace` undefined = cluster-wide (or a cluster-scoped kind).
 */
export class GenericObjectClient {
  constructor(
    private readonly requests: KubernetesRequests,
    private readonly api: CustomObjectsApi,
  ) {}

  /** A list as the API server sent it. */
  list<T = StoredObject>(
    type: ResourceType,
    namespace: string | undefined,
    query: ListQuery = {},
  ): Promise<ObjectList<T>> {
    const params = {
      ...coordinates(type),
      labelSelector: query.labelSelector,
      fieldSelector: query.fieldSelector,
      limit: query.limit,
      _continue: query.continue,
    };
    return this.requests.send(operation('list', type, namespace), (options) =>
      namespace === undefined
        ? this.api.listClusterCustomObject(params, coreGroup(options))
        : this.api.listNamespacedCustomObject({ ...params, namespace }, coreGroup(options)),
    ) as Promise<ObjectList<T>>;
  }

  get<T = StoredObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return this.requests.send(operation('get', type, namespace, name), (options) =>
      namespace === undefined
        ? this.api.getClusterCustomObject({ ...coordinates(type), name }, coreGroup(options))
        : this.api.getNamespacedCustomObject({ ...coordinates(type), namespace, name }, coreGroup(options)),
    ) as Promise<T>;
  }

  create<T = StoredObject>(type: ResourceType, namespace: string, body: object): Promise<T> {
    const name = (body as { metadata?: { name?: string } }).metadata?.name;
    return this.requests.send(operation('create', type, namespace, name), (options) =>
      this.api.createNamespacedCustomObject({ ...coordinates(type), namespace, body }, coreGroup(options)),
    ) as Promise<T>;
  }

  /** Full replace; a stale `metadata.resourceVersion` in the body fails with a conflict. */
  replace<T = StoredObject>(type: ResourceType, namespace: string, name: string, body: object): Promise<T> {
    return this.requests.send(operation('update', type, namespace, name), (options) =>
      this.api.replaceNamespacedCustomObject({ ...coordinates(type), namespace, name, body }, coreGroup(options)),
    ) as Promise<T>;
  }

  async delete(type: ResourceType, namespace: string, name: string): Promise<void> {
    await this.requests.send(operation('delete', type, namespace, name), (options) =>
      this.api.deleteNamespacedCustomObject(
        { ...coordinates(type), namespace, name, propagationPolicy: 'Background' },
        coreGroup(options),
      ),
    );
  }
}

function operation(
  verb: KubernetesOperation['verb'],
  type: ResourceType,
  namespace: string | undefined,
  name?: string,
): KubernetesOperation {
  return { verb, resource: type.plural, kind: type.kind, namespace, name };
}

export function coordinates(type: ResourceType): { group: string; version: string; plural: string } {
  return { group: type.group, version: type.version, plural: type.plural };
}

/**
 * The generic calls go through CustomObjectsApi because it hands back the API server's JSON
 * untouched (the typed clients round-trip objects through models that drop unknown fields and
 * rewrite timestamps). It only builds `/apis/<group>/<version>` paths, so core-group requests
 * (group '') are pointed at `/api/v1`.
 */
export function coreGroup(options: ConfigurationOptions): ConfigurationOptions {
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
