import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import type { KubernetesRequests, ListResult } from '../kubernetes-requests.js';
import type { ConfigMapObject } from '../resources.js';
import { KindClient, type ListQuery, toListResult } from './kind-client.js';

/** ConfigMaps (core/v1): the platform configuration of §3.10. */
export class ConfigMapClient extends KindClient {
  constructor(
    requests: KubernetesRequests,
    private readonly api: CoreV1Api,
  ) {
    super(requests, 'ConfigMap', 'configmaps');
  }

  /** Collection path, for `watch`. */
  path(namespace: string): string {
    return `/api/v1/namespaces/${namespace}/configmaps`;
  }

  get(namespace: string, name: string): Promise<ConfigMapObject> {
    return this.send('get', { namespace, name }, (options) =>
      this.api.readNamespacedConfigMap({ namespace, name }, options),
    ) as Promise<ConfigMapObject>;
  }

  async list(namespace: string, query: ListQuery = {}): Promise<ListResult<ConfigMapObject>> {
    const list = await this.send('list', { namespace }, (options) =>
      this.api.listNamespacedConfigMap(
        { namespace, fieldSelector: query.fieldSelector, limit: query.limit, _continue: query.continue },
        options,
      ),
    );
    return toListResult(list as { items: ConfigMapObject[] });
  }

  create(namespace: string, body: V1ConfigMap): Promise<ConfigMapObject> {
    return this.send('create', { namespace, name: body.metadata?.name }, (options) =>
      this.api.createNamespacedConfigMap({ namespace, body }, options),
    ) as Promise<ConfigMapObject>;
  }

  /** A full replace: carrying the read resourceVersion makes a concurrent change fail with a conflict. */
  replace(namespace: string, name: string, body: V1ConfigMap): Promise<ConfigMapObject> {
    return this.send('update', { namespace, name }, (options) =>
      this.api.replaceNamespacedConfigMap({ namespace, name, body }, options),
    ) as Promise<ConfigMapObject>;
  }
}
