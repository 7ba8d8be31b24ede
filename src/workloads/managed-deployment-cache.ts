import { Injectable } from '@nestjs/common';
import { K8sService, type V1Deployment } from '../kubernetes/k8s.service.js';
import type { StoredObject } from '../kubernetes/resources.js';
import { WatchCache } from '../kubernetes/watch-cache.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../kubernetes/labels.js';

export type StoredDeployment = V1Deployment & StoredObject;

const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

/**
 * The Deployments this server manages, kept by list + watch. Its events tell the reconciler when
 * a session's pods become ready or go away (api-contract §5.8). Started by the reconciler only,
 * so a server with RECONCILER_ENABLED=false does not watch Deployments at all.
 */
@Injectable()
export class ManagedDeploymentCache extends WatchCache<StoredDeployment> {
  constructor(k8s: K8sService) {
    super('deployments', {
      list: (query) => k8s.listDeployments(k8s.namespace, { ...query, labelSelector: MANAGED_SELECTOR }) as never,
      watch: (query, onEvent, onDone) =>
        k8s.watch(
          k8s.deploymentsPath(k8s.namespace),
          { ...query, labelSelector: MANAGED_SELECTOR },
          onEvent as never,
          onDone,
        ),
    });
  }
}
