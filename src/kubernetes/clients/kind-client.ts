import type { ConfigurationOptions } from '@kubernetes/client-node';
import type { KubernetesOperation } from '../kubernetes-errors.js';
import type { KubernetesRequests, ListResult } from '../kubernetes-requests.js';

/** Query of one page of a list. */
export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/** Where a call goes: its namespace (none for cluster-scoped calls), object name and subresource. */
export interface CallTarget {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * What the client of one kind shares with the others: every call goes through KubernetesRequests
 * (deadline, concurrency bound, 429 back-off, typed errors) and names its operation, so a failure
 * says what it was doing (api-contract §1.7).
 */
export abstract class KindClient {
  protected constructor(
    protected readonly requests: KubernetesRequests,
    readonly kind: string,
    readonly plural: string,
  ) {}

  protected send<T>(
    verb: KubernetesOperation['verb'],
    target: CallTarget,
    request: (options: ConfigurationOptions) => Promise<T>,
  ): Promise<T> {
    const resource = target.subresource ? `${this.plural}/${target.subresource}` : this.plural;
    const operation = { verb, resource, kind: this.kind, namespace: target.namespace, name: target.name };
    return this.requests.send(operation, request);
  }
}

/** A list page as ListResult. The typed clients call the continue token `_continue`, raw JSON `continue`. */
export function toListResult<T>(list: {
  items: T[];
  metadata?: { resourceVersion?: string; continue?: string; _continue?: string };
}): ListResult<T> {
  return {
    items: list.items,
    resourceVersion: list.metadata?.resourceVersion ?? '',
    continue: (list.metadata?._continue ?? list.metadata?.continue) || undefined,
  };
}
