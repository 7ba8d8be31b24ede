import type { TemplateSort } from './template.dto.js';
import type { TemplateView } from './template.view.js';

export interface TemplateFilter {
  category?: string;
  search?: string;
  /** The template must carry all of them. */
  tags?: string[];
  featured?: boolean;
  appType?: 'desktop' | 'webapp';
}

const lower = (value: string) => value.toLowerCase();

function matches(template: TemplateView, filter: TemplateFilter): boolean {
  if (filter.category !== undefined && lower(template.category) !== lower(filter.category)) return false;
  // Only `true` filters (§3.5); `featured=false` lists everything.
  if (filter.featured === true && !template.featured) return false;
  if (filter.appType !== undefined && template.appType !== filter.appType) return false;
  const tags = template.tags.map(lower);
  if (filter.tags?.some((tag) => !tags.includes(lower(tag)))) return false;
  if (filter.search) {
    const needle = lower(filter.search);
    const haystack = [template.name, template.displayName, template.description, ...template.tags];
    if (!haystack.some((text) => lower(text).includes(needle))) return false;
  }
  return true;
}

/** displayName case-insensitively, then name, so equal display names still sort stably. */
function byName(a: TemplateView, b: TemplateView): number {
  const [x, y] = [lower(a.displayName), lower(b.displayName)];
  if (x !== y) return x < y ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const ORDER: Record<TemplateSort, (a: TemplateView, b: TemplateView) => number> = {
  name: byName,
  created: (a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : byName(a, b)),
  popularity: (a, b) => b.usageCount - a.usageCount || byName(a, b),
};

/** The list route's filters and order (§3.5 GET /templates). */
export function filterAndSortTemplates(
  templates: TemplateView[],
  filter: TemplateFilter,
  sort: TemplateSort = 'name',
): TemplateView[] {
  return templates.filter((template) => matches(template, filter)).sort(ORDER[sort]);
}
