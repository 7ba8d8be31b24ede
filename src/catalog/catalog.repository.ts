import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { TemplateSpec } from '../kubernetes/resources.js';
import type { CatalogEntry } from './catalog-file.js';
import type { CatalogSort, ListCatalogQuery } from './catalog.dto.js';

/** `catalog_templates.id` is an int4: a number outside its range names no row (and PostgreSQL would refuse it). */
export const MAX_CATALOG_ID = 2_147_483_647;
const isRowId = (id: number) => Number.isInteger(id) && Math.abs(id) <= MAX_CATALOG_ID;

/** A `catalog_templates` row with camelCase keys. */
export interface CatalogRow {
  id: number;
  name: string;
  displayName: string;
  description: string;
  category: string;
  appType: 'desktop' | 'webapp';
  iconUrl: string;
  manifest: TemplateSpec;
  tags: string[];
  version: string;
  isFeatured: boolean;
  installCount: number;
  viewCount: number;
  avgRating: string | number;
  ratingCount: number;
  source: string;
  sourceUrl: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, name, display_name AS "displayName", description, category, app_type AS "appType", icon_url AS "iconUrl",
  manifest, tags, version, is_featured AS "isFeatured", install_count AS "installCount", view_count AS "viewCount",
  avg_rating AS "avgRating", rating_count AS "ratingCount", source, source_url AS "sourceUrl", active,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Each sort ends on display name and id, so pages never overlap or skip rows. */
const ORDER_BY: Record<CatalogSort, string> = {
  name: 'lower(display_name), id',
  popular: 'install_count DESC, view_count DESC, lower(display_name), id',
  installs: 'install_count DESC, lower(display_name), id',
  rating: 'avg_rating DESC, lower(display_name), id',
  recent: 'created_at DESC, id DESC',
  views: 'view_count DESC, lower(display_name), id',
};

/** Serialises seeding across replicas starting at once. */
const SEED_LOCK = `SELECT pg_advisory_xact_lock(hashtext('streamspace'), hashtext('catalog-seed'))`;

/** `%`, `_` and `\` match themselves inside ILIKE patterns. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * SQL of the catalog (§3.6, §9): filters, order and paging run in PostgreSQL. Writes whose result
 * is read are wrapped in `WITH … SELECT`, which pg and PGlite report alike.
 */
@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(query: ListCatalogQuery, page: number, limit: number): Promise<{ rows: CatalogRow[]; total: number }> {
    const conditions = ['active'];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.search) {
      const pattern = param(likePattern(query.search));
      conditions.push(
        `(name ILIKE ${pattern} OR display_name ILIKE ${pattern} OR description ILIKE ${pattern}
          OR EXISTS (SELECT 1 FROM unnest(tags) AS tag WHERE tag ILIKE ${pattern}))`,
      );
    }
    // Shaped to use catalog_templates_category_idx and catalog_templates_tags_idx.
    if (query.category !== undefined) conditions.push(`lower(category) = lower(${param(query.category)})`);
    if (query.tag !== undefined) conditions.push(`tags @> ARRAY[${param(query.tag)}]::text[]`);
    if (query.appType !== undefined) conditions.push(`app_type = ${param(query.appType)}`);
    if (query.featured === true) conditions.push('is_featured');
    const where = conditions.join(' AND ');
    const [{ total }] = await this.db.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM catalog_templates WHERE ${where}`,
      params,
    );
    const rows = await this.db.query<CatalogRow[]>(
      `SELECT ${COLUMNS} FROM catalog_templates WHERE ${where}
        ORDER BY ${ORDER_BY[query.sort ?? 'name']} LIMIT ${param(limit)} OFFSET ${param((page - 1) * limit)}`,
      params,
    );
    return { rows, total };
  }

  /** An active row, or undefined (dropped entries are not offered any more). */
  async findActive(id: number, manager: EntityManager = this.db.manager): Promise<CatalogRow | undefined> {
    if (!isRowId(id)) return undefined;
    const [row] = await manager.query<CatalogRow[]>(
      `SELECT ${COLUMNS} FROM catalog_templates WHERE id = $1 AND active`,
      [id],
    );
    return row;
  }

  /** Counts a view of an active row and returns it. */
  async viewActive(id: number): Promise<CatalogRow | undefined> {
    if (!isRowId(id)) return undefined;
    const [row] = await this.db.query<CatalogRow[]>(
      `WITH viewed AS (UPDATE catalog_templates SET view_count = view_count + 1 WHERE id = $1 AND active RETURNING *)
       SELECT ${COLUMNS} FROM viewed`,
      [id],
    );
    return row;
  }

  async countInstall(id: number, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query('UPDATE catalog_templates SET install_count = install_count + 1 WHERE id = $1', [id]);
  }

  /**
   * Upserts every entry by name (ids and counters kept; only changed rows are touched) and marks
   * rows whose name left the file inactive (§3.6). One transaction: a start sees all or nothing.
   */
  async seed(entries: CatalogEntry[]): Promise<{ upserted: number; deactivated: number }> {
    return this.db.transaction(async (manager) => {
      await manager.query(SEED_LOCK);
      let upserted = 0;
      for (const entry of entries) {
        const { spec } = entry;
        const changed = await manager.query<unknown[]>(
          `INSERT INTO catalog_templates (name, display_name, description, category, app_type, icon_url, manifest, tags, version, is_featured, active)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true)
           ON CONFLICT (name) DO UPDATE SET
             display_name = EXCLUDED.display_name, description = EXCLUDED.description, category = EXCLUDED.category,
             app_type = EXCLUDED.app_type, icon_url = EXCLUDED.icon_url, manifest = EXCLUDED.manifest, tags = EXCLUDED.tags,
             version = EXCLUDED.version, is_featured = EXCLUDED.is_featured, active = true, updated_at = now()
           WHERE (catalog_templates.display_name, catalog_templates.description, catalog_templates.category, catalog_templates.app_type,
                  catalog_templates.icon_url, catalog_templates.manifest, catalog_templates.tags, catalog_templates.version,
                  catalog_templates.is_featured, catalog_templates.active)
                 IS DISTINCT FROM
                 (EXCLUDED.display_name, EXCLUDED.description, EXCLUDED.category, EXCLUDED.app_type, EXCLUDED.icon_url,
                  EXCLUDED.manifest, EXCLUDED.tags, EXCLUDED.version, EXCLUDED.is_featured, true)
           RETURNING id`,
          [
            entry.name,
            spec.displayName,
            spec.description ?? '',
            spec.category ?? 'Other',
            spec.appType ?? 'desktop',
            spec.icon ?? '',
            JSON.stringify(spec),
            spec.tags ?? [],
            entry.version,
            entry.featured,
          ],
        );
        upserted += changed.length;
      }
      const [{ deactivated }] = await manager.query<{ deactivated: number }[]>(
        `WITH dropped AS (UPDATE catalog_templates SET active = false, updated_at = now()
                           WHERE active AND NOT (name = ANY($1::text[])) RETURNING id)
         SELECT count(*)::int AS deactivated FROM dropped`,
        [entries.map((entry) => entry.name)],
      );
      return { upserted, deactivated };
    });
  }
}
