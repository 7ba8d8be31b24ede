import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { BUNDLED_CATALOG_FILE, parseCatalogFile } from './catalog-file.js';

const entry = (name: string, spec: object = { displayName: 'App', baseImage: 'app:1' }) => ({ name, spec });
const yaml = (templates: unknown) => JSON.stringify({ templates });

describe('catalog file', () => {
  it('ships at least 40 valid entries with real images, icons and a streaming port', async () => {
    const entries = await parseCatalogFile(readFileSync(BUNDLED_CATALOG_FILE, 'utf8'), BUNDLED_CATALOG_FILE);
    expect(entries.length).toBeGreaterThanOrEqual(40);
    for (const { spec } of entries) {
      expect(spec.baseImage).toMatch(/^lscr\.io\/linuxserver\/[a-z0-9-]+:latest$/);
      expect(spec.icon).toMatch(/^https:\/\//);
      expect(spec.category).not.toBe('Other');
      expect(spec.tags!.length).toBeGreaterThan(0);
      expect(spec.defaultResources).toEqual({ memory: expect.any(String), cpu: expect.any(String) });
      expect(spec.ports![0].containerPort).toBeGreaterThan(0);
    }
    expect(entries.map((e) => e.name)).toEqual(
      expect.arrayContaining([
        'firefox',
        'chromium',
        'libreoffice',
        'gimp',
        'inkscape',
        'krita',
        'blender',
        'code-server',
      ]),
    );
  });

  it('reads name, version, featured and the spec, with defaults', async () => {
    const [parsed] = await parseCatalogFile(
      yaml([{ name: 'paint', version: '2.1', featured: true, spec: { DisplayName: 'Paint', BaseImage: 'paint:2' } }]),
      'f.yaml',
    );
    expect(parsed).toMatchObject({
      name: 'paint',
      version: '2.1',
      featured: true,
      spec: { displayName: 'Paint', baseImage: 'paint:2', category: 'Other' },
    });
    const [plain] = await parseCatalogFile(yaml([entry('plain')]), 'f.yaml');
    expect(plain).toMatchObject({ version: '1.0.0', featured: false });
  });

  it.each([
    ['not YAML', 'templates: [', /^Catalog file f\.yaml: not valid YAML/],
    ['no templates list', 'other: 1', 'Catalog file f.yaml: must be a mapping with a list "templates"'],
    ['a bad name', yaml([entry('Bad_Name')]), /^Catalog file f\.yaml: entry 1 \(Bad_Name\): name must match/],
    [
      'a duplicate name',
      yaml([entry('dup'), entry('dup')]),
      'Catalog file f.yaml: entry 2 (dup): name is used by an earlier entry',
    ],
    [
      'a spec without image',
      yaml([entry('ok'), entry('broken', { displayName: 'B' })]),
      /^Catalog file f\.yaml: entry 2 \(broken\): spec\.baseImage: /,
    ],
    [
      'a bad featured flag',
      yaml([{ ...entry('flag'), featured: 'yes' }]),
      'Catalog file f.yaml: entry 1 (flag): featured must be true or false',
    ],
    [
      'an entry without spec',
      yaml([{ name: 'nospec' }]),
      'Catalog file f.yaml: entry 1 (nospec): spec must be a mapping',
    ],
  ])('refuses a file with %s, naming the entry and the problem', async (_case, text, message) => {
    await expect(parseCatalogFile(text, 'f.yaml')).rejects.toThrow(message);
  });
});
