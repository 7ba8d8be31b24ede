import type { AppsV1Api, V1Deployment, V1Scale } from '@kubernetes/client-node';
import type { KubernetesRequests, ListResult } from '../kubernetes-requests.js';
import type { DeploymentObject } from '../resources.js';
import { KindClient, type ListQuery, toListResult } from './kind-client.js';

/** Deployments (apps/v1). A running session's Deployment is only ever changed through its scale. */
export class DeploymentClient extends KindClient {
  constructor(
    requests: KubernetesRequests,
    private readonly api: AppsV1Api,
  ) {
    super(requests, 'Deployment', 'deployments');
  }

  /** Collection path, for `watch`. */
  path(namespace: string): string {
    return `/apis/apps/v1/namespaces/${namespace}/deployments`;
  }

  get(namespace: string, name: string): Promise<V1Deployment> {
    return this.send('get', { namespace, name }, (options) =>
      this.api.readNamespacedDeployment({ namespace, name }, options),
    );
  }

  async list(namespace: string, query: ListQuery = {}): Promise<ListResult<DeploymentObject>> {
    const list = await this.send('list', { namespace }, (options) =>
      this.api.listNamespacedDeployment(
        { namespace, labelSelector: query.labelSelector, limit: query.limit, _continue: query.continue },
        options,
      ),
    );
    return toListResult(list as { items: DeploymentObject[] });
  }

  create(namespace: string, body: V1Deployment): Promise<V1Deployment> {
    return this.send('create', { namespace, name: body.metadata?.name }, (options) =>
      this.api.createNamespacedDeployment({ namespace, body }, options),
    );
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.send('delete', { namespace, name }, (options) =>
      this.api.deleteNamespacedDeployment({ namespace, name, propagationPolicy: 'Background' }, options),
    );
  }

  readScale(namespace: string, name: string): Promise<V1Scale> {
    return this.send('get', { namespace, name, subresource: 'scale' }, (options) =>
      this.api.readNamespacedDeploymentScale({ namespace, name }, options),
    );
  }

  /** Sets replicas through the scale subresource (a JSON merge patch). */
  scale(namespace: string, name: string, replicas: number): Promise<V1Scale> {
    return this.send('patch', { namespace, name, subresource: 'scale' }, (options) =>
      this.api.patchNamespacedDeploymentScale(
        { namespace, name, body: { spec: { replicas } } },
        this.requests.mergePatch(options),
      ),
    );
  }
}
