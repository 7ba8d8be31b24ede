import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  type CustomResource,
  type CustomResourceKind,
  STREAM_SPACE_API_VERSION,
  STREAM_SPACE_GROUP,
  STREAM_SPACE_VERSION,
} from '../resources.js';
import { KubernetesConflictError, type KubernetesOperation } from '../kubernetes-errors.js';
import type { KubernetesRequests, ListResult, WriteListener } from '../kubernetes-requests.js';
import { type ListQuery, toListResult } from './kind-client.js';

/** A JSON merge patch (RFC 7386) of T: nested fields optional, `null` deletes. */
export type MergePatch<T> = { [K in keyof T]?: T[K] extends object ? MergePatch<T[K]> | null : T[K] | null };

export type NewObject<T extends CustomResource> = Omit<T, 'apiVersion' | 'kind' | 'metadata' | 'status'> & {
  metadata: Pick<T['metadata'], 'name' | 'labels' | 'annotations' | 'ownerReferences'>;
};

const CONFLICT_RETRIES = 3;

/**
 * Typed access to one stream.space custom resource in one namespace. Every write reports the
 * object the API server returned, so watch caches can serve read-your-writes (api-contract §1.2).
 */
export class CustomResourceClient<T extends CustomResource> {
  readonly apiVersion = STREAM_SPACE_API_VERSION;
  /** Collection path, for list and watch. */
  readonly path: string;

  constructor(
    private readonly requests: KubernetesRequests,
    private readonly api: CustomObjectsApi,
    readonly resource: CustomResourceKind,
    readonly namespace: string,
    private readonly onWrite: WriteListener,
  ) {
    this.path = `/apis/${STREAM_SPACE_GROUP}/${STREAM_SPACE_VERSION}/namespaces/${namespace}/${resource.plural}`;
  }

  get(name: string): Promise<T> {
    return this.requests.send(this.operation('get', name), (options) =>
      this.api.getNamespacedCustomObject({ ...this.target(), name }, options),
    ) as Promise<T>;
  }

  async list(query: ListQuery = {}): Promise<ListResult<T>> {
    const list = (await this.requests.send(this.operation('list'), (options) =>
      this.api.listNamespacedCustomObject(
        {
          ...this.target(),
          labelSelector: query.labelSelector,
          fieldSelector: query.fieldSelector,
          limit: query.limit,
          _continue: query.continue,
        },
        options,
      ),
    )) as { items: T[]; metadata?: { resourceVersion?: string; continue?: string } };
    return toListResult(list);
  }

  async create(object: NewObject<T>): Promise<T> {
    const body = { apiVersion: this.apiVersion, kind: this.resource.kind, ...object };
    const created = (await this.requests.send(this.operation('create', object.metadata.name), (options) =>
      this.api.createNamespacedCustomObject({ ...this.target(), body }, options),
    )) as T;
    this.onWrite(this.resource, 'upsert', created);
    return created;
  }

  /** Merge-patches spec, labels or annotations (never status: that is a subresource). */
  async patch(name: string, patch: { spec?: MergePatch<T['spec']>; metadata?: MergePatch<T['metadata']> }): Promise<T> {
    const patched = (await this.requests.send(this.operation('patch', name), (options) =>
      this.api.patchNamespacedCustomObject({ ...this.target(), name, body: patch }, this.requests.mergePatch(options)),
    )) as T;
    this.onWrite(this.resource, 'upsert', patched);
    return patched;
  }

  patchSpec(name: string, spec: MergePatch<T['spec']>): Promise<T> {
    return this.patch(name, { spec });
  }

  /** Merge-patches only the given status fields through the status subresource. */
  async patchStatus(name: string, status: MergePatch<NonNullable<T['status']>>): Promise<T> {
    const patched = (await this.requests.send(
      { ...this.operation('patch', name), resource: `${this.resource.plural}/status` },
      (options) =>
        this.api.patchNamespacedCustomObjectStatus(
          { ...this.target(), name, body: { status } },
          this.requests.mergePatch(options),
        ),
    )) as T;
    this.onWrite(this.resource, 'upsert', patched);
    return patched;
  }

  /**
   * Read-modify-replace for changes a merge patch cannot express. A stale resourceVersion is
   * retried with a fresh read; after that the caller gets 409 Conflict.
   */
  async modify(name: string, mutate: (current: T) => T | Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const next = await mutate(structuredClone(await this.get(name)));
      try {
        const replaced = (await this.requests.send(this.operation('update', name), (options) =>
          this.api.replaceNamespacedCustomObject({ ...this.target(), name, body: next }, options),
        )) as T;
        this.onWrite(this.resource, 'upsert', replaced);
        return replaced;
      } catch (error) {
        if (!(error instanceof KubernetesConflictError) || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
  }

  async delete(name: string): Promise<void> {
    const result = (await this.requests.send(this.operation('delete', name), (options) =>
      this.api.deleteNamespacedCustomObject({ ...this.target(), name }, options),
    )) as T | { kind: 'Status' };
    // With finalizers the object lives on (marked for deletion); without, it is gone now.
    const lingering = result.kind !== 'Status' && ((result as T).metadata.finalizers?.length ?? 0) > 0;
    if (lingering) this.onWrite(this.resource, 'upsert', result as T);
    else if (result.kind === 'Status') this.onWrite(this.resource, 'delete', { metadata: { name } });
    else this.onWrite(this.resource, 'delete', result as T);
  }

  private target() {
    return {
      group: STREAM_SPACE_GROUP,
      version: STREAM_SPACE_VERSION,
      namespace: this.namespace,
      plural: this.resource.plural,
    };
  }

  private operation(verb: KubernetesOperation['verb'], name?: string): KubernetesOperation {
    return { verb, resource: this.resource.plural, kind: this.resource.kind, namespace: this.namespace, name };
  }
}
