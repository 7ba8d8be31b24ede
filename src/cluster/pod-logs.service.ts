import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import type { PodLogOptions } from '../kubernetes/clients/pod.client.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import type { WatchHandle } from '../kubernetes/watch-cache.js';
import { unlessNotFound } from '../kubernetes/kubernetes-errors.js';
import type { V1Pod } from '../kubernetes/resources.js';

export const DEFAULT_TAIL_LINES = 100;
/** The most a non-follow read returns (10 MiB); a longer log is cut and the answer says so. */
export const DEFAULT_LOG_LIMIT_BYTES = 10 * 1024 * 1024;

export interface PodLogText {
  text: string;
  /** The log went on past `limitBytes`. */
  cut: boolean;
  limitBytes: number;
}

export type PodLogRequest = Omit<PodLogOptions, 'container'> & { container?: string };

/**
 * Pod logs (api-contract §3.9), read at once or followed. The pod and container are checked
 * first, so callers can still answer 404/400 before they start streaming. The logs WebSocket
 * (§8.5) follows through the same method.
 */
@Injectable()
export class PodLogsService {
  constructor(private readonly k8s: K8sService) {}

  async read(namespace: string, name: string, request: PodLogRequest): Promise<PodLogText> {
    const limitBytes = request.limitBytes ?? DEFAULT_LOG_LIMIT_BYTES;
    const options = { ...(await this.options(namespace, name, request)), limitBytes };
    const text = await this.k8s.pods.logs.read(namespace, name, options);
    // The API server stops at exactly limitBytes, so a full answer means there was more.
    return { text, cut: Buffer.byteLength(text) >= limitBytes, limitBytes };
  }

  /**
   * Streams the log into `sink` with back-pressure (a slow sink slows the read; nothing piles up
   * in memory). The sink ends when the log ends; abort the handle when the reader goes away.
   */
  async follow(namespace: string, name: string, request: PodLogRequest, sink: Writable): Promise<WatchHandle> {
    return this.k8s.pods.logs.follow(namespace, name, sink, await this.options(namespace, name, request));
  }

  /** The pod whose log is asked for, or 404 Pod not found. */
  async pod(namespace: string, name: string): Promise<V1Pod> {
    const pod = await unlessNotFound(this.k8s.pods.get(namespace, name));
    if (!pod) throw new ApiError(404, 'Pod not found', `No pod '${name}' in '${namespace}'`);
    return pod;
  }

  private async options(namespace: string, name: string, request: PodLogRequest): Promise<PodLogOptions> {
    const pod = await this.pod(namespace, name);
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map(
      (container) => container.name,
    );
    const container = request.container ?? containers[0];
    if (container === undefined || !containers.includes(container)) {
      throw new ApiError(400, 'Invalid container', `Pod '${name}' has containers: ${containers.join(', ')}`);
    }
    return { ...request, container, tailLines: request.tailLines ?? DEFAULT_TAIL_LINES };
  }
}
