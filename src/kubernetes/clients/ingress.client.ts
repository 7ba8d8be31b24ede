import type { NetworkingV1Api, V1Ingress } from '@kubernetes/client-node';
import type { KubernetesRequests } from '../kubernetes-requests.js';
import { KindClient } from './kind-client.js';

/** Ingresses (networking.k8s.io/v1). */
export class IngressClient extends KindClient {
  constructor(
    requests: KubernetesRequests,
    private readonly api: NetworkingV1Api,
  ) {
    super(requests, 'Ingress', 'ingresses');
  }

  get(namespace: string, name: string): Promise<V1Ingress> {
    return this.send('get', { namespace, name }, (options) =>
      this.api.readNamespacedIngress({ namespace, name }, options),
    );
  }

  create(namespace: string, body: V1Ingress): Promise<V1Ingress> {
    return this.send('create', { namespace, name: body.metadata?.name }, (options) =>
      this.api.createNamespacedIngress({ namespace, body }, options),
    );
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.send('delete', { namespace, name }, (options) =>
      this.api.deleteNamespacedIngress({ namespace, name }, options),
    );
  }
}
