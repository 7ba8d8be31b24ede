import { Injectable } from '@nestjs/common';
import { ApiError, invalidRequest } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import {
  KubernetesAlreadyExistsError,
  KubernetesConflictError,
  KubernetesNotFoundError,
} from '../kubernetes/kubernetes-errors.js';
import type { StoredObject } from '../kubernetes/resources.js';
import {
  applyMergePatch,
  assertApiVersion,
  assertDefaultServiceAccount,
  assertNoExternalIps,
  assertPodSpecAllowed,
  assertWritableNamespace,
  isDnsLabel,
  isPlatformObject,
  type ManagedKind,
  managedObject,
  resolveKind,
} from './resource-policy.js';
import { withoutManagedFields } from './raw-objects.js';

/** §1.7: a lost race is retried up to three times with a fresh read. */
const CONFLICT_RETRIES = 3;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

function objectBody(body: unknown): JsonObject {
  if (!isObject(body)) throw invalidRequest([{ field: 'body', message: 'must be a JSON object' }]);
  return body;
}

function metadataOf(body: JsonObject): JsonObject {
  if (body.metadata === undefined) return {};
  if (!isObject(body.metadata)) throw invalidRequest([{ field: 'metadata', message: 'must be an object' }]);
  return body.metadata;
}

/**
 * Generic resources (api-contract §3.9): only the allow-listed kinds, writes only in the write
 * namespaces, pod specs without secrets or host access, never an object the platform owns. Every
 * policy check runs before anything is written, so a refused request changes nothing.
 */
@Injectable()
export class ClusterResourcesService {
  private readonly defaultNamespace: string;
  private readonly writable: ReadonlySet<string>;

  constructor(
    private readonly k8s: K8sService,
    config: AppConfig,
  ) {
    this.defaultNamespace = config.namespace;
    this.writable = new Set([config.namespace, ...config.clusterWriteNamespaces]);
  }

  async create(input: unknown, queryNamespace: string | undefined): Promise<StoredObject> {
    const body = objectBody(input);
    // Without them it is not a Kubernetes object at all: malformed, not a refused kind (§3.9).
    if (!isNonEmptyString(body.kind) || !isNonEmptyString(body.apiVersion)) {
      throw new ApiError(400, 'Invalid resource', 'The object must name its apiVersion and kind');
    }
    const managed = resolveKind(body.kind);
    assertApiVersion(managed, body.apiVersion);
    const metadata = metadataOf(body);
    if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
      throw invalidRequest([{ field: 'metadata.namespace', message: 'must be a string' }]);
    }
    if (metadata.namespace !== undefined && queryNamespace !== undefined && metadata.namespace !== queryNamespace) {
      throw invalidRequest([
        { field: 'metadata.namespace', message: `differs from the namespace query ('${queryNamespace}')` },
      ]);
    }
    const namespace = this.namespace(metadata.namespace ?? queryNamespace);
    assertWritableNamespace(namespace, this.writable);
    if (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string') {
      throw invalidRequest([{ field: 'metadata.name', message: 'is required (or metadata.generateName)' }]);
    }
    const name = (metadata.name as string | undefined) ?? (metadata.generateName as string);
    const object = { ...body, kind: managed.kind, metadata: { ...metadata, namespace } };
    this.assertMayWrite(managed, namespace, name, object);
    return withoutManagedFields(
      await this.mapErrors(managed, namespace, name, () => this.k8s.objects.create(managed, namespace, object)),
    );
  }

  async get(kind: string, name: string, queryNamespace: string | undefined): Promise<StoredObject> {
    const managed = resolveKind(kind);
    const namespace = this.namespace(queryNamespace);
    return withoutManagedFields(await this.read(managed, namespace, name));
  }

  async replace(kind: string, name: string, queryNamespace: string | undefined, input: unknown): Promise<StoredObject> {
    const managed = resolveKind(kind);
    const namespace = this.namespace(queryNamespace);
    assertWritableNamespace(namespace, this.writable);
    const body = objectBody(input);
    const object = this.checkedObject(managed, namespace, name, { ...body, kind: body.kind ?? managed.kind });
    const current = await this.readUnmanaged(managed, namespace, name);
    const metadata = object.metadata as JsonObject;
    // Without a resourceVersion the last write wins: use the current one.
    metadata.resourceVersion ??= current.metadata.resourceVersion;
    return withoutManagedFields(
      await this.mapErrors(managed, namespace, name, () => this.k8s.objects.replace(managed, namespace, name, object)),
    );
  }

  /** Merge patch applied here, so the policy judges the result before it is written. */
  async patch(kind: string, name: string, queryNamespace: string | undefined, input: unknown): Promise<StoredObject> {
    const managed = resolveKind(kind);
    const namespace = this.namespace(queryNamespace);
    assertWritableNamespace(namespace, this.writable);
    const patch = objectBody(input);
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      const current = await this.readUnmanaged(managed, namespace, name);
      const object = this.checkedObject(managed, namespace, name, applyMergePatch(current, patch) as JsonObject);
      (object.metadata as JsonObject).resourceVersion = current.metadata.resourceVersion;
      try {
        return withoutManagedFields(
          await this.mapErrors(managed, namespace, name, () =>
            this.k8s.objects.replace(managed, namespace, name, object),
          ),
        );
      } catch (error) {
        if (!(error instanceof KubernetesConflictError)) throw error;
      }
    }
    throw new KubernetesConflictError();
  }

  async delete(kind: string, name: string, queryNamespace: string | undefined) {
    const managed = resolveKind(kind);
    const namespace = this.namespace(queryNamespace);
    assertWritableNamespace(namespace, this.writable);
    await this.readUnmanaged(managed, namespace, name);
    await this.mapErrors(managed, namespace, name, () => this.k8s.objects.delete(managed, namespace, name));
    return { message: 'Resource deleted successfully', kind: managed.kind, name, namespace };
  }

  /** The object a PUT or PATCH would write, after every policy and shape check. */
  private checkedObject(managed: ManagedKind, namespace: string, name: string, object: JsonObject): JsonObject {
    if (resolveKind(object.kind) !== managed) {
      throw invalidRequest([{ field: 'kind', message: `must be ${managed.kind}` }]);
    }
    assertApiVersion(managed, object.apiVersion);
    const metadata = metadataOf(object);
    if (metadata.name !== name) throw new ApiError(400, 'Name mismatch', `metadata.name must be '${name}'`);
    if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
      throw invalidRequest([{ field: 'metadata.namespace', message: `must be '${namespace}'` }]);
    }
    const checked = { ...object, kind: managed.kind, metadata: { ...metadata, namespace } };
    this.assertMayWrite(managed, namespace, name, checked);
    return checked;
  }

  /** The content rules every written object passes: no externalIPs, no other ServiceAccount, no secrets or host, no platform labels. */
  private assertMayWrite(managed: ManagedKind, namespace: string, name: string, object: JsonObject): void {
    assertNoExternalIps(managed, object);
    assertDefaultServiceAccount(managed, object);
    assertPodSpecAllowed(managed, object);
    if (isPlatformObject(managed, object, namespace, this.defaultNamespace)) throw managedObject(managed, name);
  }

  /** The current object, unless the platform owns it (403 Managed object): those change only through their own routes. */
  private async readUnmanaged(managed: ManagedKind, namespace: string, name: string): Promise<StoredObject> {
    // Platform names (streamspace-config, home volumes) are refused whether or not they exist yet.
    if (isPlatformObject(managed, { metadata: { name } }, namespace, this.defaultNamespace))
      throw managedObject(managed, name);
    const current = await this.read(managed, namespace, name);
    if (isPlatformObject(managed, current as unknown as JsonObject, namespace, this.defaultNamespace))
      throw managedObject(managed, name);
    return current;
  }

  private namespace(requested: string | undefined): string {
    const namespace = requested ?? this.defaultNamespace;
    if (!isDnsLabel(namespace)) throw invalidRequest([{ field: 'namespace', message: 'must be a DNS label' }]);
    return namespace;
  }

  private read(managed: ManagedKind, namespace: string, name: string): Promise<StoredObject> {
    return this.mapErrors(managed, namespace, name, () => this.k8s.objects.get(managed, namespace, name));
  }

  /** §3.9's bodies for a missing or existing object. */
  private async mapErrors<T>(
    managed: ManagedKind,
    namespace: string,
    name: string,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) {
        throw new ApiError(404, 'Resource not found', `${managed.kind} '${name}' not found in '${namespace}'`);
      }
      if (error instanceof KubernetesAlreadyExistsError) {
        throw new ApiError(
          409,
          'Resource already exists',
          `${managed.kind} '${name}' already exists in '${namespace}'`,
        );
      }
      throw error;
    }
  }
}
