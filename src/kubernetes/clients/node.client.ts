import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubernetesRequests, ListResult } from '../kubernetes-requests.js';
import type { NodeObject } from '../resources.js';
import { coordinates, coreGroup, type GenericObjectClient, NODE_RESOURCE } from './generic-object.client.js';
import { KindClient, type ListQuery, toListResult } from './kind-client.js';

/** One RFC 6902 operation; nodes are changed with these (taints) or with merge patches. */
export type JsonPatchOperation =
  { op: 'test' | 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/** Nodes (core/v1, cluster-scoped) as raw JSON: labels, taints and cordon of §3.8. */
export class NodeClient extends KindClient {
  /** Collection path, for `watch`. */
  readonly path = '/api/v1/nodes';

  constructor(
    requests: KubernetesRequests,
    private readonly objects: GenericObjectClient,
    private readonly api: CustomObjectsApi,
  ) {
    super(requests, 'Node', 'nodes');
  }

  get(name: string): Promise<NodeObject> {
    return this.objects.get<NodeObject>(NODE_RESOURCE, undefined, name);
  }

  async list(query: ListQuery = {}): Promise<ListResult<NodeObject>> {
    return toListResult(await this.objects.list<NodeObject>(NODE_RESOURCE, undefined, query));
  }

  /** JSON merge patch (labels, cordon). */
  mergePatch(name: string, patch: object): Promise<NodeObject> {
    return this.send('patch', { name }, (options) =>
      this.api.patchClusterCustomObject(
        { ...coordinates(NODE_RESOURCE), name, body: patch },
        this.requests.mergePatch(coreGroup(options)),
      ),
    ) as Promise<NodeObject>;
  }

  /** RFC 6902 JSON patch (the client's default patch type here), e.g. test-and-replace of taints. */
  jsonPatch(name: string, operations: JsonPatchOperation[]): Promise<NodeObject> {
    return this.send('patch', { name }, (options) =>
      this.api.patchClusterCustomObject({ ...coordinates(NODE_RESOURCE), name, body: operations }, coreGroup(options)),
    ) as Promise<NodeObject>;
  }
}
