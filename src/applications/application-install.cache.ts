import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { K8sService } from '../kubernetes/k8s.service.js';
import type { ApplicationInstallResource } from '../kubernetes/resources.js';
import { WatchCache } from '../kubernetes/watch-cache.js';

/**
 * Every ApplicationInstall in NAMESPACE, kept by list + watch and fed our own writes
 * (read-your-writes), built like the Session and Template caches. Every replica runs it: the
 * install status mirror needs it even when the reconciler is off.
 */
@Injectable()
export class ApplicationInstallCache
  extends WatchCache<ApplicationInstallResource>
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly unsubscribe: () => void;

  constructor(k8s: K8sService) {
    const client = k8s.applicationInstalls;
    super(client.resource.plural, {
      list: (query) => client.list(query),
      watch: (query, onEvent, onDone) => k8s.watch(client.path, query, onEvent, onDone),
    });
    this.unsubscribe = k8s.onWrite((resource, change, object) => {
      if (resource === client.resource) this.applyWrite(change, object as ApplicationInstallResource);
    });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
    this.stop();
  }
}
