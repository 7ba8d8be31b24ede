import type { Writable } from 'node:stream';
import type { CoreV1Api, Log, V1Pod } from '@kubernetes/client-node';
import { parseStatus } from '../kubernetes-errors.js';
import type { KubernetesRequests, ListResult } from '../kubernetes-requests.js';
import type { PodObject } from '../resources.js';
import type { WatchHandle } from '../watch-cache.js';
import { type GenericObjectClient, POD_RESOURCE } from './generic-object.client.js';
import { KindClient, type ListQuery, toListResult } from './kind-client.js';

export interface PodLogOptions {
  container?: string;
  tailLines?: number;
  timestamps?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  /** Stop after this many bytes (non-follow reads, so one read cannot hold a huge log in memory). */
  limitBytes?: number;
}

/** `blocked`: the API server answered 429, a PodDisruptionBudget (or throttling) forbids it now. */
export type EvictionOutcome = { blocked: false } | { blocked: true; message: string };

/** Pods (core/v1): reads, evictions (policy/v1) and their logs (`pods.logs`). */
export class PodClient extends KindClient {
  /** Every pod in every namespace, for `watch`. */
  readonly allPath = '/api/v1/pods';
  readonly logs: PodLogClient;

  constructor(
    requests: KubernetesRequests,
    private readonly api: CoreV1Api,
    private readonly objects: GenericObjectClient,
    log: Log,
  ) {
    super(requests, 'Pod', 'pods');
    this.logs = new PodLogClient(requests, api, log, this);
  }

  get(namespace: string, name: string): Promise<V1Pod> {
    return this.send('get', { namespace, name }, (options) => this.api.readNamespacedPod({ namespace, name }, options));
  }

  async list(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    const list = await this.send('list', { namespace }, (options) =>
      this.api.listNamespacedPod({ namespace, labelSelector }, options),
    );
    return list.items;
  }

  /** One page of pods in all namespaces as raw JSON (e.g. `fieldSelector: spec.nodeName=<node>`). */
  async listAll(query: ListQuery = {}): Promise<ListResult<PodObject>> {
    return toListResult(await this.objects.list<PodObject>(POD_RESOURCE, undefined, query));
  }

  /** Creates an Eviction (policy/v1). A 429 is an answer here, not a failure: the caller decides when to retry. */
  evict(namespace: string, name: string, gracePeriodSeconds?: number): Promise<EvictionOutcome> {
    const body = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace },
      ...(gracePeriodSeconds === undefined ? {} : { deleteOptions: { gracePeriodSeconds } }),
    };
    return this.send(
      'create',
      { namespace, name, subresource: 'eviction' },
      async (options): Promise<EvictionOutcome> => {
        try {
          await this.api.createNamespacedPodEviction({ namespace, name, body }, options);
          return { blocked: false };
        } catch (error) {
          const { code, body: status } = error as { code?: unknown; body?: unknown };
          if (code !== 429) throw error;
          const message = parseStatus(status).message;
          return { blocked: true, message: typeof message === 'string' && message ? message : 'Too many requests' };
        }
      },
    );
  }
}

/** A pod's log, read at once or followed. */
export class PodLogClient extends KindClient {
  constructor(
    requests: KubernetesRequests,
    private readonly api: CoreV1Api,
    private readonly log: Log,
    private readonly pods: PodClient,
  ) {
    super(requests, 'Pod', 'pods');
  }

  /** The log as text (what `kubectl logs` prints). */
  read(namespace: string, name: string, logOptions: PodLogOptions = {}): Promise<string> {
    return this.send('get', { namespace, name, subresource: 'log' }, (options) =>
      this.api.readNamespacedPodLog({ namespace, name, ...logOptions }, options),
    );
  }

  /**
   * Follows a pod's log into `sink` (piped, so a slow sink slows the read instead of buffering).
   * The sink ends when the log ends; abort the handle when the reader goes away.
   */
  async follow(namespace: string, name: string, sink: Writable, logOptions: PodLogOptions = {}): Promise<WatchHandle> {
    const { container: requested, ...rest } = logOptions;
    const container = requested ?? (await this.pods.get(namespace, name)).spec?.containers[0]?.name ?? '';
    // The client pipes the response body into the sink, and pipe does not pass errors on: when the
    // body fails (connection lost, or aborted) end the sink, so its reader sees the log end.
    sink.once('pipe', (source: NodeJS.ReadableStream) =>
      source.on('error', () => {
        if (!sink.writableEnded && !sink.destroyed) sink.end();
      }),
    );
    const controller = await this.send('get', { namespace, name, subresource: 'log' }, () =>
      this.log.log(namespace, name, container, sink, { ...rest, follow: true }),
    );
    return { abort: () => controller.abort() };
  }
}
