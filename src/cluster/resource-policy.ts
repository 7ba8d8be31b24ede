import { ApiError } from '../common/api-error.js';
import type { ResourceType } from '../kubernetes/clients/generic-object.client.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../kubernetes/labels.js';
import { HOME_VOLUME_PREFIX } from '../kubernetes/names.js';

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

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The pod spec of a Pod or of a workload's template, with its path for messages. */
function podSpecOf(managed: ManagedKind, object: Json): { spec: Json; path: string } | undefined {
  const path = POD_SPEC_PATHS[managed.kind];
  if (!path) return undefined;
  const spec = asObject(path.reduce<unknown>((node, key) => asObject(node)?.[key], object));
  return spec ? { spec, path: path.join('.') } : undefined;
}

const podSpecRefused = (field: string) => new ApiError(403, 'Pod spec not allowed', `${field} is not allowed`);

/**
 * The first field of a pod spec that reaches a Secret or the host, or undefined (issue 16, §3.9).
 * A pod that could mount the JWT key or the database password could print it into its log, which
 * operators read; one on the host could read every other pod's files.
 */
export function podSpecViolation(spec: Json, at: string): string | undefined {
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[field] === true) return `${at}.${field}`;
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') return `${at}.nodeName`;
  for (const [i, entry] of asArray(spec.volumes).entries()) {
    const volume = asObject(entry);
    const volumeAt = `${at}.volumes[${i}]`;
    if (volume?.secret !== undefined) return `${volumeAt}.secret`;
    if (volume?.hostPath !== undefined) return `${volumeAt}.hostPath`;
    for (const [j, source] of asArray(asObject(volume?.projected)?.sources).entries())
      if (asObject(source)?.secret !== undefined) return `${volumeAt}.projected.sources[${j}].secret`;
  }
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    for (const [i, entry] of asArray(spec[list]).entries()) {
      const found = containerViolation(asObject(entry) ?? {}, `${at}.${list}[${i}]`);
      if (found) return found;
    }
  }
  return undefined;
}

function containerViolation(container: Json, at: string): string | undefined {
  for (const [i, source] of asArray(container.envFrom).entries())
    if (asObject(source)?.secretRef !== undefined) return `${at}.envFrom[${i}].secretRef`;
  for (const [i, variable] of asArray(container.env).entries())
    if (asObject(asObject(variable)?.valueFrom)?.secretKeyRef !== undefined)
      return `${at}.env[${i}].valueFrom.secretKeyRef`;
  const security = asObject(container.securityContext);
  if (!security) return undefined;
  if (security.privileged === true) return `${at}.securityContext.privileged`;
  if (security.allowPrivilegeEscalation === true) return `${at}.securityContext.allowPrivilegeEscalation`;
  if (asArray(asObject(security.capabilities)?.add).length > 0) return `${at}.securityContext.capabilities.add`;
  if (security.procMount !== undefined && security.procMount !== null && security.procMount !== 'Default')
    return `${at}.securityContext.procMount`;
  return undefined;
}

/** 403 `Pod spec not allowed` naming the first refused field of a Pod's or workload template's spec. */
export function assertPodSpecAllowed(managed: ManagedKind, object: Json): void {
  const found = podSpecOf(managed, object);
  const field = found && podSpecViolation(found.spec, found.path);
  if (field) throw podSpecRefused(field);
}

/** The Helm chart's labels (helm/streamspace-api/templates/_helpers.tpl) and the home volumes' name label. */
const PLATFORM_LABELS: Record<string, (value: string) => boolean> = {
  [MANAGED_BY_LABEL]: (value) => value === MANAGED_BY,
  'app.kubernetes.io/part-of': (value) => value === 'streamspace',
  'helm.sh/chart': (value) => value.startsWith('streamspace-api-'),
  'app.kubernetes.io/name': (value) => value === 'streamspace-api' || value === 'streamspace-home',
};
export const PLATFORM_CONFIGMAP = 'streamspace-config';

/**
 * Whether an object belongs to the platform (issue 16, §3.9): labelled by the server or its chart,
 * owned by a stream.space resource, the live config, or (in NAMESPACE) named like a home volume,
 * so nobody can prepare a volume another user's sessions would mount.
 */
export function isPlatformObject(
  managed: ManagedKind,
  object: Json,
  namespace: string,
  serverNamespace: string,
): boolean {
  const metadata = asObject(object.metadata) ?? {};
  const labels = asObject(metadata.labels) ?? {};
  for (const [label, matches] of Object.entries(PLATFORM_LABELS))
    if (typeof labels[label] === 'string' && matches(labels[label])) return true;
  for (const owner of asArray(metadata.ownerReferences)) {
    const apiVersion = asObject(owner)?.apiVersion;
    if (typeof apiVersion === 'string' && apiVersion.startsWith('stream.space/')) return true;
  }
  if (namespace !== serverNamespace || typeof metadata.name !== 'string') return false;
  if (managed.kind === 'ConfigMap' && metadata.name === PLATFORM_CONFIGMAP) return true;
  return managed.kind === 'PersistentVolumeClaim' && metadata.name.startsWith(HOME_VOLUME_PREFIX);
}

export const managedObject = (managed: ManagedKind, name: string) =>
  new ApiError(403, 'Managed object', `${managed.kind} '${name}' is managed by StreamSpace`);

/**
 * Workloads written through this API run as their namespace's `default` ServiceAccount. Naming
 * another one (the server's own lives in NAMESPACE) would lend its Kubernetes permissions to
 * whoever may create pods here, which is more than the operator role grants.
 */
export function assertDefaultServiceAccount(managed: ManagedKind, object: Json): void {
  const podSpec = podSpecOf(managed, object)?.spec;
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
