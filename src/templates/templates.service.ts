import { MANAGED_BY, MANAGED_BY_LABEL } from '../kubernetes/labels.js';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { listAll } from '../kubernetes/list-pages.js';
import { TemplateCache } from '../kubernetes/custom-resource.cache.js';
import type { TemplateResource } from '../kubernetes/resources.js';
import type { CreateTemplateDto, ListTemplatesQuery, UpdateTemplateDto } from './template.dto.js';
import { filterAndSortTemplates } from './template-query.js';
import { toSpecMergePatch, toTemplateSpec } from './template-spec.js';
import { TemplateUsageRepository } from './template-usage.repository.js';
import { owningApplicationInstall, toTemplateView, type TemplateView } from './template.view.js';

export const templateNotFound = (name: string) =>
  new ApiError(404, 'Template not found', `No template named '${name}'`);

/** The ApplicationInstall reconciler owns such a Template and would undo any edit (§3.5). */
function assertNotManagedByApplication(template: TemplateResource): void {
  const install = owningApplicationInstall(template);
  if (install)
    throw new ApiError(
      409,
      'Template managed by application',
      `Template '${template.metadata.name}' belongs to application install '${install}'; change or delete the application instead`,
    );
}

/**
 * Templates routes (api-contract §3.5). Reads come from the watch cache (the API server until it
 * has synced); writes go through K8sService, which puts their result into the cache.
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly k8s: K8sService,
    private readonly cache: TemplateCache,
    private readonly usage: TemplateUsageRepository,
  ) {}

  async list(query: ListTemplatesQuery): Promise<{ templates: TemplateView[]; total: number }> {
    const views = await this.toViews(await this.all());
    const templates = filterAndSortTemplates(views, query, query.sort);
    return { templates, total: templates.length };
  }

  async get(name: string): Promise<TemplateView> {
    return (await this.toViews([await this.find(name)]))[0];
  }

  async create(input: CreateTemplateDto): Promise<TemplateView> {
    const created = await this.k8s.templates.create({
      metadata: { name: input.name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
      spec: toTemplateSpec(input),
    });
    return (await this.toViews([created]))[0];
  }

  async update(name: string, input: UpdateTemplateDto): Promise<TemplateView> {
    const current = await this.find(name);
    assertNotManagedByApplication(current);
    const patch = toSpecMergePatch(input);
    const updated = Object.keys(patch).length > 0 ? await this.k8s.templates.patchSpec(name, patch) : current;
    return (await this.toViews([updated]))[0];
  }

  async delete(name: string): Promise<void> {
    assertNotManagedByApplication(await this.find(name));
    await this.k8s.templates.delete(name);
  }

  private async find(name: string): Promise<TemplateResource> {
    if (this.cache.isSynced) {
      const cached = this.cache.get(name);
      if (!cached) throw templateNotFound(name);
      return cached;
    }
    // K8sService's not-found error already has this route's 404 body.
    return this.k8s.templates.get(name);
  }

  private async all(): Promise<TemplateResource[]> {
    if (this.cache.isSynced) return this.cache.list();
    return listAll((page) => this.k8s.templates.list(page));
  }

  private async toViews(templates: TemplateResource[]): Promise<TemplateView[]> {
    const counts = await this.usage.countByTemplate(templates.map((template) => template.metadata.name));
    return templates.map((template) => toTemplateView(template, counts.get(template.metadata.name) ?? 0));
  }
}
