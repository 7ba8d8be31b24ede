import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export const AUDITED = 'streamspace:audited';

export interface AuditTarget {
  name: string;
  namespace?: string;
  /** When the route serves several kinds (generic cluster resources). */
  kind?: string;
}

export interface AuditedRoute {
  /** `<area>.<verb>`, e.g. `node.drain` (api-contract §3.16). */
  action: string;
  targetKind: string;
  target: (request: Request) => AuditTarget;
}

const str = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** The target named by a path parameter (default `id`). */
export const byParam =
  (param = 'id') =>
  (request: Request): AuditTarget => ({ name: str(request.params[param]) });

/** The target named by a body field, for creates. */
export const byBodyField =
  (field: string) =>
  (request: Request): AuditTarget => ({ name: str((request.body as Record<string, unknown> | undefined)?.[field]) });

/** The target named by a query parameter. */
export const byQuery =
  (param: string) =>
  (request: Request): AuditTarget => ({ name: str((request.query as Record<string, unknown>)[param]) });

/** A generic cluster resource (§3.9): kind and name from the path, or from the body on create. */
export function clusterResource(request: Request): AuditTarget {
  const body = (request.body ?? {}) as {
    kind?: unknown;
    metadata?: { name?: unknown; generateName?: unknown; namespace?: unknown };
  };
  const namespace = str((request.query as Record<string, unknown>).namespace) || str(body.metadata?.namespace);
  return {
    kind: str(request.params.kind) || str(body.kind),
    name: str(request.params.name) || str(body.metadata?.name) || str(body.metadata?.generateName),
    ...(namespace && { namespace }),
  };
}

/**
 * Marks a mutation for the audit trail (§3.16): when an operator or admin calls it, one row
 * records who, what, on which target and the outcome, refused and failed calls included.
 */
export const Audited = (action: string, targetKind: string, target: AuditedRoute['target'] = byParam()) =>
  SetMetadata(AUDITED, { action, targetKind, target } satisfies AuditedRoute);
