import type { CoreV1Api, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { KubernetesRequests, ListResult } from '../kubernetes-requests.js';
import type { PersistentVolumeClaimObject } from '../resources.js';
import { KindClient, type ListQuery, toListResult } from './kind-client.js';

/** PersistentVolumeClaims (core/v1): the users' home volumes. */
export class PersistentVolumeClaimClient extends KindClient {
  constructor(
    requests: KubernetesRequests,
    private readonly api: CoreV1Api,
  ) {
    super(requests, 'PersistentVolumeClaim', 'persistentvolumeclaims');
  }

  /** Collection path, for `watch`. */
  path(namespace: string): string {
    return `/api/v1/namespaces/${namespace}/persistentvolumeclaims`;
  }

  get(namespace: string, name: string): Promise<V1PersistentVolumeClaim> {
    return this.send('get', { namespace, name }, (options) =>
      this.api.readNamespacedPersistentVolumeClaim({ namespace, name }, options),
    );
  }

  async list(namespace: string, query: ListQuery = {}): Promise<ListResult<PersistentVolumeClaimObject>> {
    const list = await this.send('list', { namespace }, (options) =>
      this.api.listNamespacedPersistentVolumeClaim(
        { namespace, labelSelector: query.labelSelector, limit: query.limit, _continue: query.continue },
        options,
      ),
    );
    return toListResult(list as { items: PersistentVolumeClaimObject[] });
  }

  create(namespace: string, body: V1PersistentVolumeClaim): Promise<V1PersistentVolumeClaim> {
    return this.send('create', { namespace, name: body.metadata?.name }, (options) =>
      this.api.createNamespacedPersistentVolumeClaim({ namespace, body }, options),
    );
  }

  delete(namespace: string, name: string): Promise<unknown> {
    return this.send('delete', { namespace, name }, (options) =>
      this.api.deleteNamespacedPersistentVolumeClaim({ namespace, name }, options),
    );
  }
}
