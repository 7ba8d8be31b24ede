import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { K8sService } from './k8s.service.js';
import type { NodeObject } from './resources.js';
import { WatchCache } from './watch-cache.js';

/**
 * Every Node, kept by list + watch (api-contract §5.9). Node administration reads it, and so do
 * the dashboard figures. Writers put the node a patch returned in with `applyWrite`.
 */
@Injectable()
export class NodeCache extends WatchCache<NodeObject> implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(k8s: K8sService) {
    super('nodes', {
      list: (query) => k8s.nodes.list(query),
      watch: (query, onEvent, onDone) => k8s.watch(k8s.nodes.path, query, onEvent, onDone),
    });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
