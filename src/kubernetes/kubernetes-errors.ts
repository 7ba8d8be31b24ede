import { ApiError } from '../common/api-error.js';

/** What a Kubernetes call was doing, so that an error can say so. */
export interface KubernetesOperation {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  /** Plural resource, e.g. `sessions`, `pods/log`. */
  resource: string;
  kind: string;
  namespace?: string;
  name?: string;
}

/**
 * Kubernetes failures as typed errors that already carry their HTTP mapping (api-contract §1.7),
 * so callers can branch on the class and the exception filter needs no special case.
 */
export class KubernetesError extends ApiError {}

export class KubernetesNotFoundError extends KubernetesError {
  constructor(readonly operation: KubernetesOperation) {
    super(404, `${operation.kind} not found`, `No ${operation.kind.toLowerCase()} named '${operation.name ?? ''}'`);
  }
}

export class KubernetesAlreadyExistsError extends KubernetesError {
  constructor(readonly operation: KubernetesOperation) {
    super(
      409,
      `${operation.kind} already exists`,
      `A ${operation.kind.toLowerCase()} named '${operation.name ?? ''}' already exists`,
    );
  }
}

export class KubernetesConflictError extends KubernetesError {
  constructor() {
    super(409, 'Conflict', 'The object changed while it was being updated; try again');
  }
}

export class KubernetesInvalidError extends KubernetesError {
  constructor(message: string, details?: unknown) {
    super(400, 'Invalid resource', message, details === undefined ? {} : { details });
  }
}

/** The server's own service account lacks a permission: a deployment bug, not the caller's. */
export class KubernetesPermissionError extends KubernetesError {
  constructor(readonly operation: KubernetesOperation) {
    super(
      500,
      'Kubernetes permission denied',
      `The server may not ${operation.verb} ${operation.resource}` +
        (operation.namespace ? ` in namespace '${operation.namespace}'` : ' at cluster scope'),
    );
  }
}

export class KubernetesUnavailableError extends KubernetesError {
  constructor(message: string) {
    super(503, 'Kubernetes unavailable', message, { retryAfter: 5 });
  }
}

/** A status body as the API server sends it (client-node gives it to us as a JSON string). */
export interface StatusBody {
  reason?: string;
  message?: string;
  details?: unknown;
}

/** The Status object of an error body (client-node hands it over as a JSON string). */
export function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return body ?? {};
}

/** Maps any failure of a Kubernetes call to one of the typed errors above. */
export function toKubernetesError(error: unknown, operation: KubernetesOperation): KubernetesError {
  if (error instanceof KubernetesError) return error;
  const { code, body } = (error ?? {}) as { code?: unknown; body?: unknown };
  if (typeof code === 'number' && code >= 100 && code < 600) {
    const status = parseStatus(body);
    const message = status.message ?? `Kubernetes answered ${code}`;
    switch (code) {
      case 404:
        // A 404 without an object name means the resource type itself is missing.
        return operation.name
          ? new KubernetesNotFoundError(operation)
          : new KubernetesUnavailableError(`The ${operation.resource} API is not served by the cluster: ${message}`);
      case 409:
        return status.reason === 'AlreadyExists'
          ? new KubernetesAlreadyExistsError(operation)
          : new KubernetesConflictError();
      case 400:
      case 422:
        return new KubernetesInvalidError(message, status.details);
      case 401:
      case 403:
        return new KubernetesPermissionError(operation);
      default:
        return new KubernetesUnavailableError(message);
    }
  }
  const err = error as { name?: string; message?: string; code?: string } | undefined;
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') {
    return new KubernetesUnavailableError(`Kubernetes did not answer ${operation.verb} ${operation.resource} in time`);
  }
  return new KubernetesUnavailableError(err?.message ?? String(error));
}

/** The call's result, or undefined when its object does not exist: for callers to whom absence is an answer. */
export async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof KubernetesNotFoundError) return undefined;
    throw error;
  }
}
