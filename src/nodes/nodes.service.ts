import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { NodeCache } from '../kubernetes/node.cache.js';
import { PodCache } from '../kubernetes/pod.cache.js';
import type { JsonPatchOperation } from '../kubernetes/clients/node.client.js';
import { activePodsByNode } from '../kubernetes/cluster-capacity.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { listAll } from '../kubernetes/list-pages.js';
import type { NodeObject, PodObject } from '../kubernetes/resources.js';
import { KubernetesConflictError, KubernetesInvalidError } from '../kubernetes/kubernetes-errors.js';
import { addTaintPatch, type LabelInput, removeTaintPatch, type TaintInput } from './node-changes.js';
import { type ClusterStats, type NodeInfo, toClusterStats, toNodeInfo, UNSCHEDULABLE_TAINT } from './node-info.js';

/** §1.7: a lost race is retried up to three times with a fresh read. */
const CONFLICT_RETRIES = 3;

export const nodeNotFound = (name: string) => new ApiError(404, 'Node not found', `No node named '${name}'`);

/**
 * Node reads and changes (api-contract §3.8). Reads come from the Node and Pod watch caches (the
 * API server until both have synced); every change is a patch whose result goes into the cache.
 */
@Injectable()
export class NodesService {
  constructor(
    private readonly k8s: K8sService,
    private readonly nodeCache: NodeCache,
    private readonly podCache: PodCache,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<NodeInfo[]> {
    const { nodes, pods } = await this.snapshot();
    const byNode = activePodsByNode(pods);
    const now = this.clock.now();
    return nodes
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .map((node) => toNodeInfo(node, byNode.get(node.metadata.name) ?? [], now));
  }

  async stats(): Promise<ClusterStats> {
    const { nodes, pods } = await this.snapshot();
    return toClusterStats(nodes, pods);
  }

  async get(name: string): Promise<NodeInfo> {
    const { nodes, pods } = await this.snapshot();
    const node = nodes.find((candidate) => candidate.metadata.name === name);
    if (!node) throw nodeNotFound(name);
    return toNodeInfo(node, activePodsByNode(pods).get(name) ?? [], this.clock.now());
  }

  async addLabel(name: string, label: LabelInput): Promise<void> {
    this.remember(await this.k8s.nodes.mergePatch(name, { metadata: { labels: { [label.key]: label.value } } }));
  }

  async removeLabel(name: string, key: string): Promise<void> {
    const node = await this.k8s.nodes.get(name);
    if (!Object.hasOwn(node.metadata.labels ?? {}, key)) {
      throw new ApiError(404, 'Label not found', `Node '${name}' has no label '${key}'`);
    }
    this.remember(await this.k8s.nodes.mergePatch(name, { metadata: { labels: { [key]: null } } }));
  }

  addTaint(name: string, taint: TaintInput): Promise<void> {
    return this.changeTaints(name, (node) => addTaintPatch(node, taint, this.clock.now()));
  }

  removeTaint(name: string, key: string, effect?: string): Promise<void> {
    return this.changeTaints(name, (node) => removeTaintPatch(node, key, effect));
  }

  async cordon(name: string): Promise<void> {
    this.remember(await this.k8s.nodes.mergePatch(name, { spec: { unschedulable: true } }));
  }

  async uncordon(name: string): Promise<void> {
    const node = await this.k8s.nodes.mergePatch(name, { spec: { unschedulable: false } });
    this.remember(node);
    const tainted = (current: NodeObject) => current.spec?.taints?.some((taint) => taint.key === UNSCHEDULABLE_TAINT);
    // The node lifecycle controller removes the taint too, maybe before we do: gone is fine.
    if (tainted(node)) {
      await this.changeTaints(name, (current) =>
        tainted(current) ? removeTaintPatch(current, UNSCHEDULABLE_TAINT) : undefined,
      );
    }
  }

  /**
   * Read, build the patch (none = nothing to do), write it guarded by the read resourceVersion;
   * on a lost race read again (§1.7). The API server answers a failed `test` operation with 422
   * like any invalid patch, so a changed resourceVersion is what tells a race from a rejection.
   */
  private async changeTaints(
    name: string,
    build: (node: NodeObject) => JsonPatchOperation[] | undefined,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const node = await this.k8s.nodes.get(name);
      const operations = build(node);
      if (!operations) return;
      try {
        this.remember(await this.k8s.nodes.jsonPatch(name, operations));
        return;
      } catch (error) {
        const raced =
          error instanceof KubernetesConflictError ||
          (error instanceof KubernetesInvalidError &&
            (await this.k8s.nodes.get(name)).metadata.resourceVersion !== node.metadata.resourceVersion);
        if (!raced) throw error;
        if (attempt >= CONFLICT_RETRIES) throw new KubernetesConflictError();
        // Spread out writers that lost together, or they would collide again.
        await sleep(Math.random() * 50 * (attempt + 1));
      }
    }
  }

  /** Read-your-writes (§1.2): the next read shows what the API server returned. */
  private remember(node: NodeObject): void {
    this.nodeCache.applyWrite('upsert', node);
  }

  private async snapshot(): Promise<{ nodes: NodeObject[]; pods: PodObject[] }> {
    if (this.nodeCache.isSynced && this.podCache.isSynced)
      return { nodes: this.nodeCache.list(), pods: this.podCache.list() };
    const [nodes, pods] = await Promise.all([
      listAll((query) => this.k8s.nodes.list(query)),
      listAll((query) => this.k8s.pods.listAll(query)),
    ]);
    return { nodes, pods };
  }
}
