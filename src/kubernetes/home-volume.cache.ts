import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { K8sService } from './k8s.service.js';
import type { PersistentVolumeClaimObject } from './resources.js';
import { WatchCache } from './watch-cache.js';

/**
 * The PersistentVolumeClaims of NAMESPACE — the users' home volumes, found by their §5.5 name —
 * kept by list + watch, so quota display routes and dashboards read home sizes without a
 * Kubernetes request. Quota checks still read fresh.
 */
@Injectable()
export class HomeVolumeCache
  extends WatchCache<PersistentVolumeClaimObject>
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  constructor(k8s: K8sService) {
    super('persistentvolumeclaims', {
      list: (query) => k8s.pvcs.list(k8s.namespace, query),
      watch: (query, onEvent, onDone) => k8s.watch(k8s.pvcs.path(k8s.namespace), query, onEvent, onDone),
    });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
