import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../common/principal.js';
import { CatalogRepository } from '../catalog/catalog.repository.js';
import { CATALOG_ID_LABEL, catalogTemplateNotFound } from '../catalog/catalog.service.js';
import { ApiError } from '../common/api-error.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { unlessNotFound } from '../kubernetes/kubernetes-errors.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../kubernetes/labels.js';
import { INSTALLED_BY_LABEL } from './application-template.js';
import { type InstalledApplicationView, toApplicationView } from './application.view.js';
import type { InstallApplicationDto } from './applications.dto.js';
import { ApplicationsRepository } from './applications.repository.js';
import { InstallStatusMirror } from './install-status.mirror.js';

/** `<catalog name cut to 54>-<8 hex>` (§5.5): every installation gets a Template of its own. */
export function applicationTemplateName(catalogName: string): string {
  return `${catalogName.slice(0, 54)}-${randomBytes(4).toString('hex')}`;
}

/**
 * Install and uninstall of applications (api-contract §3.7): the row and the ApplicationInstall
 * are made together or not at all, so they never drift.
 */
@Injectable()
export class ApplicationInstaller {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly k8s: K8sService,
    private readonly catalog: CatalogRepository,
    private readonly applications: ApplicationsRepository,
    private readonly statusMirror: InstallStatusMirror,
  ) {}

  async install(caller: Principal, dto: InstallApplicationDto): Promise<InstalledApplicationView> {
    if (dto.platform !== undefined && dto.platform !== 'kubernetes')
      throw new ApiError(400, 'Unsupported platform', 'Only the kubernetes platform is supported');
    const entry = await this.catalog.findActive(dto.catalogTemplateId);
    if (!entry) throw catalogTemplateNotFound(dto.catalogTemplateId, 400);
    const groupIds = [...new Set(dto.groupIds ?? [])];
    const [missing] = await this.applications.missingGroups(groupIds);
    if (missing !== undefined) throw new ApiError(400, 'Group not found', `No group with ID ${missing}`);

    const name = applicationTemplateName(entry.name);
    const displayName = dto.displayName ?? entry.displayName;
    let installCreated = '';
    let view: InstalledApplicationView;
    try {
      view = await this.db.transaction(async (manager) => {
        const [{ id }] = await manager.query<{ id: string }[]>(
          `INSERT INTO installed_applications (catalog_template_id, name, template_name, display_name, description, category,
                                               app_type, icon_url, manifest, folder_path, configuration, install_status, created_by)
           VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11) RETURNING id`,
          [
            entry.id,
            name,
            displayName,
            entry.description,
            entry.category,
            entry.appType,
            entry.iconUrl,
            JSON.stringify(entry.manifest),
            `apps/${name}`,
            JSON.stringify(dto.configuration ?? {}),
            caller.id,
          ],
        );
        for (const groupId of groupIds) await this.applications.upsertGroupAccess(id, groupId, 'launch', manager);
        // A failure here rolls the row back; the filter maps the Kubernetes error (§1.7).
        await this.k8s.applicationInstalls.create({
          metadata: {
            name: id,
            labels: {
              [MANAGED_BY_LABEL]: MANAGED_BY,
              [CATALOG_ID_LABEL]: String(entry.id),
              [INSTALLED_BY_LABEL]: caller.username,
            },
          },
          spec: {
            templateName: name,
            displayName,
            description: entry.description,
            category: entry.category,
            icon: entry.iconUrl,
            manifest: JSON.stringify(entry.manifest),
            catalogTemplateID: entry.id,
            installedBy: caller.username,
          },
        });
        installCreated = id;
        await this.catalog.countInstall(entry.id, manager);
        // Read before the commit: the answer shows the row as inserted (`pending`, §3.7).
        const row = await this.applications.get(id, manager);
        return toApplicationView(row, { groups: (await this.applications.groupsOf([id], manager)).get(id) ?? [] });
      });
    } catch (error) {
      if (!installCreated) throw error;
      // The ApplicationInstall exists but its row was never committed: take it back.
      await this.k8s.applicationInstalls.delete(installCreated).catch(() => undefined);
      throw new ApiError(503, 'Database unavailable', 'The application could not be recorded; try again', {
        retryAfter: 5,
      });
    }
    // The reconciler may have reported a status before the row was committed.
    await this.statusMirror.refresh(view.id);
    return view;
  }

  /** Deletes the ApplicationInstall (its Template is garbage-collected), then the row. */
  async uninstall(id: string): Promise<void> {
    await this.applications.get(id);
    await unlessNotFound(this.k8s.applicationInstalls.delete(id));
    await this.applications.delete(id);
  }
}
