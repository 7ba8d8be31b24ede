import type { TemplateSpec } from '../kubernetes/resources.js';
import { cpuMillicores, memoryMib } from '../kubernetes/quantities.js';
import { SESSION_CPU_MILLICORES, SESSION_MEMORY_MIB } from '../quotas/quota-rules.js';

/**
 * The field rules of a Template (api-contract §3.5, §5.3) as pure functions, shared by the request
 * DTOs and the status reconciler. Each returns the problem ("must …") or undefined when fine.
 */

export const TEMPLATE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const APP_TYPES = ['desktop', 'webapp'] as const;
export const CAPABILITIES = ['Network', 'Audio', 'Clipboard', 'USB', 'Printing'] as const;
export const PORT_NAME = /^[a-z0-9-]{1,15}$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Kubernetes (and the §3.5 limits) count characters as code points, not UTF-16 units. */
const characters = (value: string) => [...value].length;

function lengthProblem(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  const length = characters(value);
  if (length < min || length > max)
    return min === 0 ? `must be at most ${max} characters` : `must be ${min}–${max} characters`;
  return undefined;
}

export const displayNameProblem = (value: unknown) => lengthProblem(value, 1, 128);

export function baseImageProblem(value: unknown): string | undefined {
  // JavaScript's \s also covers Unicode spaces, which the CRD's (RE2, ASCII) pattern lets through.
  return lengthProblem(value, 1, 512) ?? (/\s/.test(value as string) ? 'must not contain whitespace' : undefined);
}

export function portNumberProblem(value: unknown): string | undefined {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65_535
    ? undefined
    : 'must be an integer from 1 to 65535';
}

export function iconProblem(value: unknown): string | undefined {
  const length = lengthProblem(value, 0, 2048);
  if (length || value === '') return length;
  try {
    const { protocol } = new URL(value as string);
    if (protocol === 'http:' || protocol === 'https:') return undefined;
  } catch {
    // not a URL: same answer as a URL with another scheme
  }
  return 'must be an http or https URL, or empty';
}

export function tagProblem(value: unknown): string | undefined {
  return (
    lengthProblem(value, 1, 63) ?? (/\p{Cc}/u.test(value as string) ? 'must not contain control characters' : undefined)
  );
}

/**
 * Quantities are parsed exactly with BigInt, so an absurd exponent ("1e99999999") would take
 * forever: anything beyond what could fit the ranges is refused before parsing.
 */
function quantity(value: unknown, parse: (input: string) => number | undefined): number | undefined {
  if (typeof value !== 'string' || value.length > 32 || value !== value.trim()) return undefined;
  const exponent = /[eE]([+-]?\d+)$/.exec(value);
  if (exponent && Math.abs(Number(exponent[1])) > 18) return undefined;
  return parse(value);
}

export function cpuProblem(value: unknown): string | undefined {
  const millicores = quantity(value, cpuMillicores);
  if (millicores === undefined) return 'must be a CPU quantity such as "500m" or "2"';
  if (millicores < SESSION_CPU_MILLICORES.min) return `must be at least ${SESSION_CPU_MILLICORES.min}m`;
  if (millicores > SESSION_CPU_MILLICORES.max) return `must be at most ${SESSION_CPU_MILLICORES.max}m`;
  return undefined;
}

export function memoryProblem(value: unknown): string | undefined {
  const mib = quantity(value, memoryMib);
  if (mib === undefined) return 'must be a memory quantity such as "512Mi" or "2Gi"';
  if (mib < SESSION_MEMORY_MIB.min) return `must be at least ${SESSION_MEMORY_MIB.min}Mi`;
  if (mib > SESSION_MEMORY_MIB.max) return 'must be at most 512Gi';
  return undefined;
}

/**
 * The first problem of a stored Template spec, as the reconciler reports it in status.message
 * (§5.3: the baseImage and displayName rules and the VNC port range), or undefined when valid.
 */
export function templateSpecProblem(spec: Partial<TemplateSpec> | undefined): string | undefined {
  const checks: [string, () => string | undefined][] = [
    ['displayName', () => displayNameProblem(spec?.displayName)],
    ['baseImage', () => baseImageProblem(spec?.baseImage)],
    ['vnc.port', () => (spec?.vnc?.port === undefined ? undefined : portNumberProblem(spec.vnc.port))],
  ];
  for (const [field, check] of checks) {
    const problem = check();
    if (problem) return `${field}: ${problem}`;
  }
  return undefined;
}
