import { ApiError } from '../common/api-error.js';
import type { JsonPatchOperation } from '../kubernetes/clients/node.client.js';
import type { NodeObject } from '../kubernetes/resources.js';
import { UNSCHEDULABLE_TAINT } from './node-info.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export interface LabelInput {
  key: string;
  value: string;
}

export interface TaintInput {
  key: string;
  value: string;
  effect: TaintEffect;
}

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a Kubernetes qualified name, or undefined when it is. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) {
      return `key prefix '${prefix}' must be a DNS subdomain of at most 253 characters`;
    }
  }
  if (name.length === 0 || name.length > 63) return 'key name must be 1-63 characters';
  if (!NAME_PART.test(name)) return `key name must match ${NAME_PART.source}`;
  return undefined;
}

/** Why `value` is not a label value, or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'value must be at most 63 characters';
  if (!VALUE.test(value)) return `value must match ${VALUE.source}`;
  return undefined;
}

/** The PUT labels body (§3.8), or 400 Invalid label naming the failed rule. */
export function parseLabel(body: unknown): LabelInput {
  const invalid = (message: string) => new ApiError(400, 'Invalid label', message);
  const { key, value } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof key !== 'string') throw invalid('key is required and must be a string');
  if (typeof value !== 'string') throw invalid('value is required and must be a string');
  const problem = qualifiedNameProblem(key) ?? labelValueProblem(value);
  if (problem) throw invalid(problem);
  return { key, value };
}

/** The POST taints body (§3.8), or 400 Invalid taint naming the failed rule. */
export function parseTaint(body: unknown): TaintInput {
  const invalid = (message: string) => new ApiError(400, 'Invalid taint', message);
  const { key, value, effect } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof key !== 'string') throw invalid('key is required and must be a string');
  if (value !== undefined && value !== null && typeof value !== 'string') throw invalid('value must be a string');
  if (typeof effect !== 'string' || !(TAINT_EFFECTS as readonly string[]).includes(effect)) {
    throw invalid(`effect must be one of ${TAINT_EFFECTS.join(', ')}`);
  }
  const problem = qualifiedNameProblem(key) ?? labelValueProblem(value ?? '');
  if (problem) throw invalid(problem);
  return { key, value: value ?? '', effect: effect as TaintEffect };
}

/** A key that arrived as the rest of the path: Express 5 gives named wildcards as segments. */
export function keyFromPath(segments: string[] | string): string {
  return Array.isArray(segments) ? segments.join('/') : segments;
}

/** Rewrites the whole taint list, but only if the node is still the version that was read. */
function replaceTaints(node: NodeObject, taints: unknown[]): JsonPatchOperation[] {
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: node.metadata.resourceVersion },
    node.spec ? { op: 'add', path: '/spec/taints', value: taints } : { op: 'add', path: '/spec', value: { taints } },
  ];
}

/**
 * The patch that appends `taint` to the node's taints (existing ones kept as they are; NoExecute
 * gets timeAdded), or 409 when one with the same key and effect exists.
 */
export function addTaintPatch(node: NodeObject, taint: TaintInput, now: Date): JsonPatchOperation[] {
  const current = node.spec?.taints ?? [];
  if (current.some((existing) => existing.key === taint.key && existing.effect === taint.effect)) {
    throw new ApiError(
      409,
      'Taint already exists',
      `Node '${node.metadata.name}' already has taint ${taint.key}:${taint.effect}`,
    );
  }
  const added = {
    key: taint.key,
    ...(taint.value === '' ? {} : { value: taint.value }),
    effect: taint.effect,
    ...(taint.effect === 'NoExecute' ? { timeAdded: now.toISOString() } : {}),
  };
  return replaceTaints(node, [...current, added]);
}

/**
 * The patch that removes every taint with `key` (and `effect`, when given), or 404. Removing the
 * unschedulable taint also uncordons, or Kubernetes would put the taint back.
 */
export function removeTaintPatch(node: NodeObject, key: string, effect?: string): JsonPatchOperation[] {
  const current = node.spec?.taints ?? [];
  const kept = current.filter((taint) => !(taint.key === key && (effect === undefined || taint.effect === effect)));
  const uncordon = key === UNSCHEDULABLE_TAINT && node.spec?.unschedulable === true;
  if (kept.length === current.length && !uncordon) {
    throw new ApiError(404, 'Taint not found', `Node '${node.metadata.name}' has no taint with key '${key}'`);
  }
  const operations = replaceTaints(node, kept);
  if (uncordon) operations.push({ op: 'add', path: '/spec/unschedulable', value: false });
  return operations;
}
