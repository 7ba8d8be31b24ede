import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { K8sService } from './k8s.service.js';
import type { PodObject, StoredObject } from './resources.js';
import { type CacheEvent, WatchCache } from './watch-cache.js';

/** WatchCache keys objects by name; pod names repeat across namespaces, so each pod is wrapped. */
interface PodEntry extends StoredObject {
  pod: PodObject;
}

const podKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

function toEntry(pod: PodObject): PodEntry {
  // managedFields are the bulk of a pod and nothing here reads them.
  const { managedFields: _unused, ...metadata } = pod.metadata;
  const stripped = { ...pod, metadata } as PodObject;
  return {
    metadata: {
      name: podKey(pod.metadata.namespace, pod.metadata.name),
      resourceVersion: pod.metadata.resourceVersion,
    },
    pod: stripped,
  };
}

/**
 * Every Pod in every namespace (one cluster-wide watch, api-contract §5.9): pods per node and
 * their requests for NodeInfo, cluster figures for the dashboard.
 */
@Injectable()
export class PodCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly cache: WatchCache<PodEntry>;

  constructor(k8s: K8sService) {
    this.cache = new WatchCache<PodEntry>('pods', {
      list: async (query) => {
        const page = await k8s.pods.listAll(query);
        return { ...page, items: page.items.map(toEntry) };
      },
      watch: (query, onEvent, onDone) =>
        k8s.watch(
          k8s.pods.allPath,
          query,
          // ERROR and BOOKMARK objects are not pods: pass them on as they are.
          (type, object) =>
            onEvent(type, type === 'ERROR' || type === 'BOOKMARK' ? (object as never) : toEntry(object)),
          onDone,
        ),
    });
  }

  get ready(): Promise<void> {
    return this.cache.ready;
  }

  get isSynced(): boolean {
    return this.cache.isSynced;
  }

  get(namespace: string, name: string): PodObject | undefined {
    return this.cache.get(podKey(namespace, name))?.pod;
  }

  list(): PodObject[] {
    return this.cache.list().map((entry) => entry.pod);
  }

  subscribe(listener: (event: CacheEvent<PodObject>) => void): () => void {
    return this.cache.subscribe((event) => listener({ type: event.type, object: event.object.pod }));
  }

  onApplicationBootstrap(): void {
    this.cache.start();
  }

  onApplicationShutdown(): void {
    this.cache.stop();
  }
}
