import { describe, expect, it } from '@jest/globals';
import { filterAndSortTemplates } from './template-query.js';
import type { TemplateView } from './template.view.js';

const template = (name: string, extra: Partial<TemplateView> = {}): TemplateView => ({
  name,
  namespace: 'streamspace',
  displayName: name,
  description: '',
  category: 'Other',
  appType: 'desktop',
  icon: '',
  baseImage: 'image',
  defaultResources: {},
  ports: [],
  env: [],
  vnc: { enabled: true, port: 3000 },
  capabilities: [],
  tags: [],
  featured: false,
  usageCount: 0,
  valid: null,
  statusMessage: '',
  applicationId: null,
  createdAt: '2025-11-20T10:00:00.000Z',
  ...extra,
});

const names = (templates: TemplateView[]) => templates.map((t) => t.name);

describe('filterAndSortTemplates', () => {
  const all = [
    template('gimp', {
      displayName: 'GIMP',
      category: 'Graphics & Design',
      tags: ['Image', 'paint'],
      createdAt: '2025-11-20T10:00:02.000Z',
      usageCount: 3,
    }),
    template('firefox', {
      displayName: 'firefox',
      category: 'Web',
      tags: ['browser'],
      featured: true,
      appType: 'webapp',
      usageCount: 3,
    }),
    template('code', {
      displayName: 'VS Code',
      description: 'An editor for CODE',
      createdAt: '2025-11-20T10:00:01.000Z',
      usageCount: 9,
    }),
  ];

  it('sorts by display name ignoring case by default', () => {
    expect(names(filterAndSortTemplates(all, {}))).toEqual(['firefox', 'gimp', 'code']);
  });

  it('sorts newest first, or by usage then name', () => {
    expect(names(filterAndSortTemplates(all, {}, 'created'))).toEqual(['gimp', 'code', 'firefox']);
    expect(names(filterAndSortTemplates(all, {}, 'popularity'))).toEqual(['code', 'firefox', 'gimp']);
  });

  it('matches category exactly but ignoring case, spaces included', () => {
    expect(names(filterAndSortTemplates(all, { category: 'graphics & design' }))).toEqual(['gimp']);
    expect(names(filterAndSortTemplates(all, { category: 'Graphics' }))).toEqual([]);
  });

  it('searches name, display name, description and tags ignoring case', () => {
    expect(names(filterAndSortTemplates(all, { search: 'code' }))).toEqual(['code']);
    expect(names(filterAndSortTemplates(all, { search: 'EDITOR' }))).toEqual(['code']);
    expect(names(filterAndSortTemplates(all, { search: 'brows' }))).toEqual(['firefox']);
    expect(names(filterAndSortTemplates(all, { search: 'gim' }))).toEqual(['gimp']);
  });

  it('requires every requested tag, ignoring case', () => {
    expect(names(filterAndSortTemplates(all, { tags: ['image', 'PAINT'] }))).toEqual(['gimp']);
    expect(names(filterAndSortTemplates(all, { tags: ['image', 'browser'] }))).toEqual([]);
  });

  it('keeps featured templates for featured=true only, and filters by app type', () => {
    expect(names(filterAndSortTemplates(all, { featured: true }))).toEqual(['firefox']);
    expect(filterAndSortTemplates(all, { featured: false })).toHaveLength(3);
    expect(names(filterAndSortTemplates(all, { appType: 'webapp' }))).toEqual(['firefox']);
  });
});
