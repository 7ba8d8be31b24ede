import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { checkDependency, type DependencyCheck } from '../common/dependency-check.js';
import { K8sService } from './k8s.service.js';
import { KubernetesUnavailableError } from './kubernetes-errors.js';
import { CUSTOM_RESOURCE_KINDS, STREAM_SPACE_GROUP } from './resources.js';

/**
 * Whether the API server answers and serves our CRDs. Missing CRDs are reported (logs, health),
 * never a crash loop: the watch caches keep retrying and recover once the CRDs are applied.
 */
@Injectable()
export class KubernetesHealthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Kubernetes');

  constructor(private readonly k8s: K8sService) {}

  /** Reported in the background: `/health` says the same, so `listen` need not wait for it. */
  onApplicationBootstrap(): void {
    void this.reportMissingCustomResources();
  }

  private async reportMissingCustomResources(): Promise<void> {
    const missing = await this.missingCustomResources();
    if (missing === undefined) {
      this.logger.warn('Kubernetes API server not reachable at start-up; watch caches will keep retrying');
    } else if (missing.length > 0) {
      this.logger.error(
        `CRDs not installed: ${missing.join(', ')}. Apply helm/streamspace-api/crds/ (kubectl apply -f helm/streamspace-api/crds/)`,
      );
    }
  }

  /** Names of our CRDs the cluster does not serve; undefined when the cluster cannot be asked. */
  async missingCustomResources(): Promise<string[] | undefined> {
    const clients = [this.k8s.sessions, this.k8s.templates, this.k8s.applicationInstalls];
    const results = await Promise.allSettled(clients.map((client) => client.list({ limit: 1 })));
    if (results.some((r) => r.status === 'rejected' && !this.isMissingApi(r.reason))) return undefined;
    return results.flatMap((result, i) =>
      result.status === 'rejected' ? [`${CUSTOM_RESOURCE_KINDS[i].plural}.${STREAM_SPACE_GROUP}`] : [],
    );
  }

  /** api-contract §3.13: list Sessions with limit=1 (proves reachability, CRD and permission). */
  check(): Promise<DependencyCheck> {
    return checkDependency(
      () => this.k8s.sessions.list({ limit: 1 }),
      (error) =>
        this.isMissingApi(error) ? `CRD sessions.${STREAM_SPACE_GROUP} is not installed` : (error as Error).message,
    );
  }

  private isMissingApi(error: unknown): boolean {
    return error instanceof KubernetesUnavailableError && error.message.includes('API is not served');
  }
}
