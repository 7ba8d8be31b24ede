import { Inject, Injectable } from '@nestjs/common';
import { CustomObjectsApi, type KubeConfig, Watch } from '@kubernetes/client-node';
import { AppConfig } from '../config/app-config.js';
import { CustomResourceClient } from './custom-resource.client.js';
import { KUBE_CONFIG } from './kube-config.js';
import { KubernetesRequests, type WriteListener } from './kubernetes-requests.js';
import {
  APPLICATION_INSTALL_KIND,
  type ApplicationInstallResource,
  type CustomResource,
  type CustomResourceKind,
  SESSION_KIND,
  type SessionResource,
  type StoredObject,
  TEMPLATE_KIND,
  type TemplateResource,
} from './resources.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandle {
  abort(): void;
}

/** Per-call budget and concurrency bound (api-contract §1.6). */
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_CONCURRENT_REQUESTS = 32;

/**
 * The one gateway to the Kubernetes API. Typed clients per resource; every request has a
 * deadline, bounded concurrency and typed errors (see KubernetesRequests). To add a kind, add a
 * client here built on the same KubernetesRequests.
 */
@Injectable()
export class K8sService {
  readonly namespace: string;
  readonly sessions: CustomResourceClient<SessionResource>;
  readonly templates: CustomResourceClient<TemplateResource>;
  readonly applicationInstalls: CustomResourceClient<ApplicationInstallResource>;

  private readonly requests = new KubernetesRequests({
    timeoutMs: REQUEST_TIMEOUT_MS,
    maxConcurrent: MAX_CONCURRENT_REQUESTS,
  });
  private readonly writeListeners = new Set<WriteListener>();
  private readonly watcher: Watch;

  constructor(config: AppConfig, @Inject(KUBE_CONFIG) kubeConfig: KubeConfig) {
    this.namespace = config.namespace;
    this.watcher = new Watch(kubeConfig);
    const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);
    const notify: WriteListener = (resource, change, object) => {
      for (const listener of this.writeListeners) listener(resource, change, object);
    };
    const client = <T extends CustomResource>(kind: CustomResourceKind) =>
      new CustomResourceClient<T>(this.requests, customObjects, kind, config.namespace, notify);
    this.sessions = client<SessionResource>(SESSION_KIND);
    this.templates = client<TemplateResource>(TEMPLATE_KIND);
    this.applicationInstalls = client<ApplicationInstallResource>(APPLICATION_INSTALL_KIND);
  }

  /** Subscribes to the objects that writes through this service returned. */
  onWrite(listener: WriteListener): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /**
   * Opens a watch on a collection path. `onDone` is called exactly once, when the stream ends for
   * any reason (server timeout, error, abort).
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: WatchEventType, object: StoredObject & { code?: number }) => void,
    onDone: (error?: unknown) => void,
  ): Promise<WatchHandle> {
    const controller = await this.watcher.watch(path, query, onEvent as (type: string, object: unknown) => void, (error: unknown) =>
      onDone(error ?? undefined),
    );
    return { abort: () => controller.abort() };
  }
}
