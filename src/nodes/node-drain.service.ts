import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { ApiError } from '../common/api-error.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { KubernetesNotFoundError } from '../kubernetes/kubernetes-errors.js';
import { byRef, type DrainResult, planDrain, type PodRef } from './node-drain.js';
import { listAll } from '../kubernetes/list-pages.js';
import { NodesService } from './nodes.service.js';

const PARALLEL_EVICTIONS = 10;
const BLOCKED_RETRY_MS = 5000;

export interface DrainOptions {
  gracePeriodSeconds?: number;
  timeoutSeconds: number;
}

type EvictionResult = { evicted: true } | { evicted: false; reason: string };

/**
 * `kubectl drain` through the Eviction API (api-contract §3.8): cordon, evict every pod that is
 * neither mirror nor DaemonSet pod, at most ten at a time, retrying PodDisruptionBudget refusals
 * until the deadline. It does not wait for the pods to terminate. All waiting is timers, so a
 * long drain holds no other request up.
 */
@Injectable()
export class NodeDrainService {
  constructor(
    private readonly k8s: K8sService,
    private readonly nodes: NodesService,
  ) {}

  async drain(name: string, options: DrainOptions): Promise<DrainResult> {
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    await this.nodes.cordon(name);
    const pods = await listAll((query) => this.k8s.pods.listAll({ ...query, fieldSelector: `spec.nodeName=${name}` }));
    const plan = planDrain(pods);
    const limit = pLimit(PARALLEL_EVICTIONS);
    const results = await Promise.all(
      plan.evict.map((pod) =>
        limit(async () => ({ pod, result: await this.evict(pod, options.gracePeriodSeconds, deadline) })),
      ),
    );
    const evicted = results.filter(({ result }) => result.evicted).map(({ pod }) => pod);
    const failed = results.flatMap(({ pod, result }) => (result.evicted ? [] : [{ ...pod, reason: result.reason }]));
    const summary = { node: name, evicted: evicted.sort(byRef), skipped: plan.skipped, failed: failed.sort(byRef) };
    if (failed.length > 0) {
      throw new ApiError(409, 'Drain incomplete', `${failed.length} pod(s) could not be evicted before the timeout`, {
        details: summary,
      });
    }
    return { message: 'Node drained successfully', ...summary };
  }

  private async evict(pod: PodRef, gracePeriodSeconds: number | undefined, deadline: number): Promise<EvictionResult> {
    for (;;) {
      try {
        const outcome = await this.k8s.pods.evict(pod.namespace, pod.name, gracePeriodSeconds);
        if (!outcome.blocked) return { evicted: true };
        const remaining = deadline - Date.now();
        if (remaining <= 0) return { evicted: false, reason: outcome.message };
        await sleep(Math.min(BLOCKED_RETRY_MS, remaining));
      } catch (error) {
        // Already gone counts as evicted.
        if (error instanceof KubernetesNotFoundError) return { evicted: true };
        return { evicted: false, reason: (error as Error).message };
      }
    }
  }
}
