import type { MergePatch } from '../kubernetes/clients/custom-resource.client.js';
import type { TemplateSpec } from '../kubernetes/resources.js';
import type { CreateTemplateDto, UpdateTemplateDto } from './template.dto.js';

/** The keys each nested object may have (the CRD prunes anything else anyway). */
const OBJECT_KEYS = {
  defaultResources: ['memory', 'cpu'],
  vnc: ['enabled', 'port'],
} as const;
const ITEM_KEYS = {
  ports: ['name', 'containerPort', 'protocol'],
  env: ['name', 'value'],
} as const;
const SPEC_FIELDS = [
  'displayName',
  'baseImage',
  'description',
  'category',
  'icon',
  'appType',
  'defaultResources',
  'ports',
  'env',
  'vnc',
  'capabilities',
  'tags',
  'featured',
] as const satisfies readonly (keyof TemplateSpec)[];

type SpecField = (typeof SPEC_FIELDS)[number];
type Plain = Record<string, unknown>;

/** A plain copy with only `keys`; nested nulls count as absent. */
function pick(source: object, keys: readonly string[]): Plain {
  const picked: Plain = {};
  for (const key of keys) {
    const value = (source as Plain)[key];
    if (value !== undefined && value !== null) picked[key] = value;
  }
  return picked;
}

function plainValue(field: SpecField, value: unknown): unknown {
  if (field in OBJECT_KEYS) return pick(value as object, OBJECT_KEYS[field as keyof typeof OBJECT_KEYS]);
  if (field in ITEM_KEYS)
    return (value as object[]).map((item) => pick(item, ITEM_KEYS[field as keyof typeof ITEM_KEYS]));
  if (Array.isArray(value)) return [...(value as unknown[])];
  return value;
}

/** The spec a POST creates: the fields given (null = not given); the CRD fills the defaults. */
export function toTemplateSpec(input: CreateTemplateDto): TemplateSpec {
  const spec: Plain = {};
  for (const field of SPEC_FIELDS) {
    const value = input[field];
    if (value !== undefined && value !== null) spec[field] = plainValue(field, value);
  }
  return spec as unknown as TemplateSpec;
}

/**
 * The JSON merge patch of spec a PATCH applies (§3.5): each given field replaces the stored one,
 * null removes it. A merge patch would merge nested objects, so their left-out keys are nulled
 * to replace them whole.
 */
export function toSpecMergePatch(input: UpdateTemplateDto): MergePatch<TemplateSpec> {
  const patch: Plain = {};
  for (const field of SPEC_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null) patch[field] = null;
    else if (field in OBJECT_KEYS) {
      const given = plainValue(field, value) as Plain;
      patch[field] = Object.fromEntries(
        OBJECT_KEYS[field as keyof typeof OBJECT_KEYS].map((key) => [key, given[key] ?? null]),
      );
    } else patch[field] = plainValue(field, value);
  }
  return patch;
}
