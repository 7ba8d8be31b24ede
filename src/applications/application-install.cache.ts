import { Injectable } from '@nestjs/common';
import { CustomResourceCache } from '../kubernetes/custom-resource.cache.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import type { ApplicationInstallResource } from '../kubernetes/resources.js';

/**
 * Every ApplicationInstall in NAMESPACE, kept by list + watch and fed our own writes
 * (read-your-writes), like the Session and Template caches. Every replica runs it: the install
 * status mirror needs it even when the reconciler is off.
 */
@Injectable()
export class ApplicationInstallCache extends CustomResourceCache<ApplicationInstallResource> {
  constructor(k8s: K8sService) {
    super(k8s, k8s.applicationInstalls);
  }
}
