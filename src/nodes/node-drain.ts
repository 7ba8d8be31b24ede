import type { PodObject } from '../kubernetes/resources.js';

export interface PodRef {
  namespace: string;
  name: string;
}

export interface DrainResult {
  message: string;
  node: string;
  evicted: PodRef[];
  skipped: (PodRef & { reason: 'DaemonSet' | 'MirrorPod' })[];
  failed: (PodRef & { reason: string })[];
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

const ref = (pod: PodObject): PodRef => ({ namespace: pod.metadata.namespace ?? '', name: pod.metadata.name });

export const byRef = (a: PodRef, b: PodRef) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

/**
 * Which pods a drain evicts and which it leaves (api-contract §3.8 step 3): mirror pods belong
 * to the kubelet and DaemonSet pods would come straight back, as with `kubectl drain`.
 */
export function planDrain(pods: PodObject[]): { evict: PodRef[]; skipped: DrainResult['skipped'] } {
  const evict: PodRef[] = [];
  const skipped: DrainResult['skipped'] = [];
  for (const pod of pods) {
    if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) skipped.push({ ...ref(pod), reason: 'MirrorPod' });
    else if (pod.metadata.ownerReferences?.some((owner) => owner.controller === true && owner.kind === 'DaemonSet')) {
      skipped.push({ ...ref(pod), reason: 'DaemonSet' });
    } else evict.push(ref(pod));
  }
  return { evict: evict.sort(byRef), skipped: skipped.sort(byRef) };
}
