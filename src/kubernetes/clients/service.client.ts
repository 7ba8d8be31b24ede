import type { CoreV1Api, V1Service } from '@kubernetes/client-node';
import type { KubernetesRequests } from '../kubernetes-requests.js';
import { KindClient } from './kind-client.js';

/** Services (core/v1). */
export class ServiceClient extends KindClient {
  constructor(
    requests: KubernetesRequests,
    private readonly api: CoreV1Api,
  ) {
    super(requests, 'Service', 'services');
  }

  get(namespace: string, name: string): Promise<V1Service> {
    return this.send('get', { namespace, name }, (options) =>
      this.api.readNamespacedService({ namespace, name }, options),
    );
  }

  create(namespace: string, body: V1Service): Promise<V1Service> {
    return this.send('create', { namespace, name: body.metadata?.name }, (options) =>
      this.api.createNamespacedService({ namespace, body }, options),
    );
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.send('delete', { namespace, name }, (options) =>
      this.api.deleteNamespacedService({ namespace, name }, options),
    );
  }
}
