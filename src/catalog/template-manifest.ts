import { ApiError } from '../common/api-error.js';
import { createValidationPipe } from '../common/validation.js';
import type { TemplateSpec } from '../kubernetes/resources.js';
import { CreateTemplateDto } from '../templates/template.dto.js';
import { toTemplateSpec } from '../templates/template-spec.js';

/**
 * Template specs that arrive as data (catalog file, catalog rows, ApplicationInstall manifests)
 * rather than as request bodies: parsed, normalised and held to the same rules as
 * POST /templates (api-contract §3.5), so a manifest that passes here is one the API would accept.
 */

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `DisplayName` → `displayName`, `VNC`/`CPU` → `vnc`/`cpu` (older catalogs used Go-style keys). */
function camelKey(key: string): string {
  if (/^[A-Z0-9]+$/.test(key)) return key.toLowerCase();
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** Keys normalised to camelCase at every depth; values (env values, tags) untouched. */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [camelKey(key), camelCaseKeys(inner)]));
}

/**
 * The Template spec inside a manifest (§5.4, §5.7 step 2): JSON text or an object, either a bare
 * spec or a full object with a `spec` key. Throws an Error saying what is wrong.
 */
export function extractTemplateSpec(manifest: unknown): Plain {
  let value = manifest;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new Error(`manifest is not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
  const normalised = camelCaseKeys(value);
  if (!isPlainObject(normalised)) throw new Error('manifest must be a JSON object');
  const spec = isPlainObject(normalised.spec) ? normalised.spec : normalised;
  return spec;
}

const pipe = createValidationPipe();

/**
 * The first problem of `spec` under the §3.5 create rules (`field: must …`), or the clean spec
 * (unknown keys dropped). The same validation pipe as the routes, so the rules exist once.
 */
export async function checkTemplateSpec(spec: Plain): Promise<{ spec: TemplateSpec } | { problem: string }> {
  try {
    // `name` is checked where the Template's name is chosen; a placeholder satisfies its rule.
    const dto = (await pipe.transform(
      { ...spec, name: 'manifest' },
      { type: 'body', metatype: CreateTemplateDto, data: '' },
    )) as CreateTemplateDto;
    return { spec: completeTemplateSpec(toTemplateSpec(dto)) };
  } catch (error) {
    if (error instanceof ApiError) return { problem: error.message };
    throw error;
  }
}

/**
 * The spec with the CRD's defaults written out (§5.3), so what the API server stores equals what
 * we wrote and a reconciler can compare them without rewriting an unchanged Template.
 */
export function completeTemplateSpec(spec: TemplateSpec): TemplateSpec {
  return {
    ...spec,
    description: spec.description ?? '',
    category: spec.category ?? 'Other',
    icon: spec.icon ?? '',
    appType: spec.appType ?? 'desktop',
    ports: (spec.ports ?? []).map((port) => ({ ...port, protocol: port.protocol ?? 'TCP' })),
    env: spec.env ?? [],
    ...(spec.vnc && { vnc: { enabled: spec.vnc.enabled ?? true, port: spec.vnc.port ?? 3000 } }),
    capabilities: spec.capabilities ?? [],
    tags: spec.tags ?? [],
    featured: spec.featured ?? false,
  };
}

/** Structural equality of JSON values, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameJson(item, b[index]))
    );
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a).filter((key) => a[key] !== undefined);
  const otherKeys = Object.keys(b).filter((key) => b[key] !== undefined);
  return keys.length === otherKeys.length && keys.every((key) => sameJson(a[key], b[key]));
}
