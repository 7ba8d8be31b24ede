import { parse } from 'yaml';
import type { TemplateSpec } from '../kubernetes/resources.js';
import { TEMPLATE_NAME } from '../templates/template-rules.js';
import { checkTemplateSpec, extractTemplateSpec } from './template-manifest.js';

/** One catalog entry as seeded into `catalog_templates` (api-contract §3.6). */
export interface CatalogEntry {
  name: string;
  version: string;
  featured: boolean;
  /** The validated Template spec, defaults written out. */
  spec: TemplateSpec;
}

/** The catalog file the server ships with: `catalog/catalog.yaml` at the project root. */
export const BUNDLED_CATALOG_FILE = new URL('../../catalog/catalog.yaml', import.meta.url).pathname;

/** A catalog file the server cannot start with; the message names the file, the entry and the problem. */
export class CatalogFileError extends Error {
  constructor(file: string, problem: string) {
    super(`Catalog file ${file}: ${problem}`);
    this.name = 'CatalogFileError';
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses and validates a catalog file (`templates:` list of `{name, version?, featured?, spec}`).
 * Every entry must be usable as it stands: a bad one stops the start rather than vanish silently.
 */
export async function parseCatalogFile(text: string, file: string): Promise<CatalogEntry[]> {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new CatalogFileError(file, `not valid YAML: ${(error as Error).message}`);
  }
  if (!isPlainObject(document) || !Array.isArray(document.templates))
    throw new CatalogFileError(file, 'must be a mapping with a list "templates"');

  const entries: CatalogEntry[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of document.templates.entries()) {
    const label =
      isPlainObject(raw) && typeof raw.name === 'string' ? `entry ${index + 1} (${raw.name})` : `entry ${index + 1}`;
    const fail = (problem: string) => new CatalogFileError(file, `${label}: ${problem}`);
    if (!isPlainObject(raw)) throw fail('must be a mapping');
    const { name, version, featured, spec } = raw;
    if (typeof name !== 'string' || name.length > 63 || !TEMPLATE_NAME.test(name))
      throw fail(`name must match ${TEMPLATE_NAME.source} and be at most 63 characters`);
    if (seen.has(name)) throw fail('name is used by an earlier entry');
    seen.add(name);
    if (version !== undefined && (typeof version !== 'string' || version === ''))
      throw fail('version must be a non-empty string');
    if (featured !== undefined && typeof featured !== 'boolean') throw fail('featured must be true or false');
    if (!isPlainObject(spec)) throw fail('spec must be a mapping');
    const checked = await checkTemplateSpec(extractTemplateSpec(spec));
    if ('problem' in checked) throw fail(`spec.${checked.problem}`);
    entries.push({
      name,
      version: version ?? '1.0.0',
      featured: featured ?? checked.spec.featured ?? false,
      spec: checked.spec,
    });
  }
  return entries;
}
