import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import {
  NAMESPACE_RESOURCE,
  NODE_RESOURCE,
  type ObjectList,
  type ResourceType,
} from '../kubernetes/clients/generic-object.client.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { listWithoutManagedFields } from './raw-objects.js';
import { resolveKind } from './resource-policy.js';

/** Read-only cluster lists (api-contract §3.9): the API server's list objects, less managedFields. */
@Injectable()
export class ClusterListsService {
  private readonly defaultNamespace: string;

  constructor(
    private readonly k8s: K8sService,
    config: AppConfig,
  ) {
    this.defaultNamespace = config.namespace;
  }

  nodes(labelSelector?: string): Promise<ObjectList> {
    return this.list(NODE_RESOURCE, undefined, labelSelector);
  }

  namespaces(labelSelector?: string): Promise<ObjectList> {
    return this.list(NAMESPACE_RESOURCE, undefined, labelSelector);
  }

  /** Pods, Deployments or Services in one namespace (default NAMESPACE). */
  namespaced(
    plural: 'pods' | 'deployments' | 'services',
    namespace: string | undefined,
    labelSelector?: string,
  ): Promise<ObjectList> {
    return this.list(resolveKind(plural), namespace ?? this.defaultNamespace, labelSelector);
  }

  private async list(
    type: ResourceType,
    namespace: string | undefined,
    labelSelector: string | undefined,
  ): Promise<ObjectList> {
    return listWithoutManagedFields(await this.k8s.objects.list(type, namespace, { labelSelector }));
  }
}
