import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { CustomResourceClient } from './clients/custom-resource.client.js';
import { K8sService } from './k8s.service.js';
import type { CustomResource, SessionResource, TemplateResource } from './resources.js';
import { WatchCache } from './watch-cache.js';

/** A watch cache of one custom resource collection, fed by K8sService (reads and our writes). */
export abstract class CustomResourceCache<T extends CustomResource>
  extends WatchCache<T>
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly unsubscribe: () => void;

  protected constructor(k8s: K8sService, client: CustomResourceClient<T>) {
    super(client.resource.plural, {
      list: (query) => client.list(query),
      watch: (query, onEvent, onDone) => k8s.watch(client.path, query, onEvent, onDone),
    });
    this.unsubscribe = k8s.onWrite((resource, change, object) => {
      if (resource === client.resource) this.applyWrite(change, object as T);
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

/** Every Session in NAMESPACE. */
@Injectable()
export class SessionCache extends CustomResourceCache<SessionResource> {
  constructor(k8s: K8sService) {
    super(k8s, k8s.sessions);
  }
}

/** Every Template in NAMESPACE. */
@Injectable()
export class TemplateCache extends CustomResourceCache<TemplateResource> {
  constructor(k8s: K8sService) {
    super(k8s, k8s.templates);
  }
}
