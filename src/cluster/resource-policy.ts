import { ApiError } from '../common/api-error.js';
import type { ResourceType } from '../kubernetes/clients/generic-object.client.js';

export interface ManagedKind extends ResourceType {
  apiVersion: string;
}

const kind = (name: string, apiVersion: string, plural: string): ManagedKind => {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { kind: name, apiVersion, group, version, plural };
};

/**
 * The only kinds the generic resource routes manage (api-contract §3.9). An allow-list, so
 * everything that could grant privilege (RBAC, webhooks, Secrets, ServiceAccounts, Namespaces,
 * Nodes, CRDs, APIServices, Endpoints, stream.space kinds, ...) is refused whatever its spelling.
 */
export const MANAGED_KINDS: readonly ManagedKind[] = [
  kind('Pod', 'v1', 'pods'),
  kind('Service', 'v1', 'services'),
  kind('ConfigMap', 'v1', 'configmaps'),
  kind('PersistentVolumeClaim', 'v1', 'persistentvolumeclaims'),
  kind('Deployment', 'apps/v1', 'deployments'),
  kind('StatefulSet', 'apps/v1', 'statefulsets'),
  kind('DaemonSet', 'apps/v1', 'daemonsets'),
  kind('ReplicaSet', 'apps/v1', 'replicasets'),
  kind('Job', 'batch/v1', 'jobs'),
  kind('CronJob', 'batch/v1', 'cronjobs'),
  kind('Ingress', 'networking.k8s.io/v1', 'ingresses'),
  kind('NetworkPolicy', 'networking.k8s.io/v1', 'networkpolicies'),
  kind('HorizontalPodAutoscaler', 'autoscaling/v2', 'horizontalpodautoscalers'),
  kind('PodDisruptionBudget', 'policy/v1', 'poddisruptionbudgets'),
];

const BY_SPELLING = new Map(
  MANAGED_KINDS.flatMap(
    (managed) =>
      [
        [managed.kind.toLowerCase(), managed],
        [managed.plural, managed],
      ] as const,
  ),
);

export const kindNotAllowed = (spelling: string) =>
  new ApiError(403, 'Kind not allowed', `Kind '${spelling}' cannot be managed through this API`);

/** The managed kind a path or body names (Kind or plural, any case), or 403 Kind not allowed. */
export function resolveKind(spelling: unknown): ManagedKind {
  const managed = typeof spelling === 'string' ? BY_SPELLING.get(spelling.toLowerCase()) : undefined;
  if (managed) return managed;
  // Any JSON value may arrive as a body's kind: name it as it was sent, never as [object Object].
  throw kindNotAllowed(
    typeof spelling === 'string'
      ? spelling
      : spelling === undefined || spelling === null
        ? ''
        : JSON.stringify(spelling),
  );
}

/** A body's apiVersion must be the one of its kind (so no other group's kind of that name slips through). */
export function assertApiVersion(managed: ManagedKind, apiVersion: unknown): void {
  if (apiVersion !== managed.apiVersion) {
    throw new ApiError(400, 'Unsupported apiVersion', `${managed.kind} must use apiVersion ${managed.apiVersion}`);
  }
}

/** Writes only in NAMESPACE and CLUSTER_WRITE_NAMESPACES. */
export function assertWritableNamespace(namespace: string, writable: ReadonlySet<string>): void {
  if (!writable.has(namespace))
    throw new ApiError(403, 'Namespace not allowed', `Writes are not allowed in namespace '${namespace}'`);
}

/** A Service with externalIPs can intercept cluster traffic (CVE-2020-8554). */
export function assertNoExternalIps(managed: ManagedKind, object: Record<string, unknown>): void {
  const spec = object.spec as { externalIPs?: unknown } | undefined;
  if (managed.kind === 'Service' && Array.isArray(spec?.externalIPs) && spec.externalIPs.length > 0) {
    throw new ApiError(403, 'externalIPs not allowed', 'Services with spec.externalIPs are refused');
  }
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * Workloads written through this API run as their namespace's `default` ServiceAccount. Naming
 * another one (the server's own lives in NAMESPACE) would lend its Kubernetes permissions to
 * whoever may create pods here, which is more than the operator role grants.
 */
export function assertDefaultServiceAccount(managed: ManagedKind, object: Record<string, unknown>): void {
  const path = POD_SPEC_PATHS[managed.kind];
  if (!path) return;
  const podSpec = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], object) as
    { serviceAccountName?: unknown; serviceAccount?: unknown } | undefined;
  for (const account of [podSpec?.serviceAccountName, podSpec?.serviceAccount]) {
    if (account !== undefined && account !== null && account !== '' && account !== 'default') {
      throw new ApiError(
        403,
        'ServiceAccount not allowed',
        "Workloads written through this API run as the namespace's default ServiceAccount",
      );
    }
  }
}

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

/** Applies an RFC 7386 JSON merge patch to a copy of `target`. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
