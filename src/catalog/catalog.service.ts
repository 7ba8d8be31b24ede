import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../kubernetes/labels.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { TemplateView } from '../templates/template.view.js';
import { type ListCatalogQuery, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './catalog.dto.js';
import { CatalogRepository, MAX_CATALOG_ID } from './catalog.repository.js';
import { type CatalogTemplateView, toCatalogTemplateView } from './catalog.view.js';
import { checkTemplateSpec, extractTemplateSpec } from './template-manifest.js';

export const CATALOG_ID_LABEL = 'streamspace.io/catalog-id';

export const catalogTemplateNotFound = (id: number | string, status = 404) =>
  new ApiError(status, 'Catalog template not found', `No catalog template with ID ${id}`);

/** `:id` of the catalog routes: an integer within the id column's range, else 400 (§3.6). */
export function parseCatalogId(value: string | undefined): number {
  const id = value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(id <= MAX_CATALOG_ID))
    throw new ApiError(400, 'Invalid request', `id: must be an integer up to ${MAX_CATALOG_ID}`);
  return id;
}

/** The catalog routes (api-contract §3.6). */
@Injectable()
export class CatalogService {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly k8s: K8sService,
    private readonly templates: TemplatesService,
  ) {}

  async list(query: ListCatalogQuery) {
    const page = query.page ?? 1;
    const limit = Math.min(query.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const { rows, total } = await this.catalog.list(query, page, limit);
    return {
      templates: rows.map((row) => toCatalogTemplateView(row)),
      total,
      page,
      limit,
      totalPages: Math.ceil(total / limit),
    };
  }

  async get(id: number): Promise<CatalogTemplateView> {
    const row = await this.catalog.viewActive(id);
    if (!row) throw catalogTemplateNotFound(id);
    return toCatalogTemplateView(row, true);
  }

  /** A plain Template named after the entry, no application (§3.6 install). */
  async installAsTemplate(
    id: number,
  ): Promise<{ message: string; template: TemplateView; name: string; namespace: string }> {
    const row = await this.catalog.findActive(id);
    if (!row) throw catalogTemplateNotFound(id);
    let checked: Awaited<ReturnType<typeof checkTemplateSpec>>;
    try {
      checked = await checkTemplateSpec(extractTemplateSpec(row.manifest));
    } catch (error) {
      checked = { problem: (error as Error).message };
    }
    if ('problem' in checked) throw new ApiError(400, 'Invalid template manifest', checked.problem);
    // Kubernetes' AlreadyExists maps to 409 "Template already exists" with the §3.6 message.
    await this.k8s.templates.create({
      metadata: { name: row.name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [CATALOG_ID_LABEL]: String(row.id) } },
      spec: checked.spec,
    });
    await this.catalog.countInstall(row.id);
    const template = await this.templates.get(row.name);
    return { message: 'Template installed successfully', template, name: row.name, namespace: this.k8s.namespace };
  }
}
