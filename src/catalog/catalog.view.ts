import type { CatalogRow } from './catalog.repository.js';

/** CatalogTemplate of api-contract §4.7. */
export interface CatalogTemplateView {
  id: number;
  repositoryId: number;
  name: string;
  displayName: string;
  description: string;
  category: string;
  appType: 'desktop' | 'webapp';
  icon: string;
  manifest?: string;
  tags: string[];
  installCount: number;
  isFeatured: boolean;
  version: string;
  viewCount: number;
  avgRating: number;
  ratingCount: number;
  createdAt: string;
  updatedAt: string;
  repository: { name: string; url: string };
}

/** Lists leave out `manifest`; single reads carry it as JSON text. */
export function toCatalogTemplateView(row: CatalogRow, withManifest = false): CatalogTemplateView {
  return {
    id: row.id,
    // A single built-in catalog: no repositories.
    repositoryId: 0,
    name: row.name,
    displayName: row.displayName,
    description: row.description,
    category: row.category,
    appType: row.appType,
    icon: row.iconUrl,
    ...(withManifest && { manifest: JSON.stringify(row.manifest) }),
    tags: row.tags,
    installCount: row.installCount,
    isFeatured: row.isFeatured,
    version: row.version,
    viewCount: row.viewCount,
    avgRating: Number(row.avgRating),
    ratingCount: row.ratingCount,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    repository: { name: row.source, url: row.sourceUrl },
  };
}
