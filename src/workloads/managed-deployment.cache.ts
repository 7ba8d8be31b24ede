import { Injectable } from '@nestjs/common';
import { K8sService } from '../kubernetes/k8s.service.js';
import type { DeploymentObject } from '../kubernetes/resources.js';
import { WatchCache } from '../kubernetes/watch-cache.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../kubernetes/labels.js';

const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

/**
 * The Deployments this server manages, kept by list + watch. Its events tell the reconciler when
 * a session's pods become ready or go away (api-contract §5.8). Started by the reconciler only,
 * so a server with RECONCILER_ENABLED=false does not watch Deployments at all.
 */
@Injectable()
export class ManagedDeploymentCache extends WatchCache<DeploymentObject> {
  constructor(k8s: K8sService) {
    super('deployments', {
      list: (query) => k8s.deployments.list(k8s.namespace, { ...query, labelSelector: MANAGED_SELECTOR }),
      watch: (query, onEvent, onDone) =>
        k8s.watch(k8s.deployments.path(k8s.namespace), { ...query, labelSelector: MANAGED_SELECTOR }, onEvent, onDone),
    });
  }
}
