import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { type AccessLevel, visibleTo } from './application-access.js';
import type { ApplicationGroupAccessView, ApplicationRow } from './application.view.js';
import { isUuid } from '../common/uuid.js';

export const applicationNotFound = () =>
  new ApiError(404, 'Application not found', 'The application does not exist or was deleted');

const COLUMNS = `a.id, a.catalog_template_id AS "catalogTemplateId", a.name, a.template_name AS "templateName",
  c.display_name AS "templateDisplayName", a.display_name AS "displayName", a.description, a.category, a.app_type AS "appType",
  a.icon_url AS "iconUrl", a.manifest, a.folder_path AS "folderPath", a.enabled, a.configuration, a.platform,
  a.install_status AS "installStatus", a.install_message AS "installMessage", a.created_by AS "createdBy",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;
const FROM = 'installed_applications a JOIN catalog_templates c ON c.id = a.catalog_template_id';
const ORDER = 'lower(a.display_name), a.display_name, a.id';

interface GroupAccessRow extends Omit<ApplicationGroupAccessView, 'createdAt'> {
  createdAt: Date;
}

/** SQL of installed applications and their group access rows (§3.7, §9). */
@Injectable()
export class ApplicationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The row, or 404 Application not found (also for ids that are not UUIDs). */
  async get(id: string, manager: EntityManager = this.db.manager): Promise<ApplicationRow> {
    const [row] = isUuid(id)
      ? await manager.query<ApplicationRow[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = $1`, [id])
      : [];
    if (!row) throw applicationNotFound();
    return row;
  }

  list(enabled: boolean | undefined): Promise<ApplicationRow[]> {
    return enabled === undefined
      ? this.db.query(`SELECT ${COLUMNS} FROM ${FROM} ORDER BY ${ORDER}`)
      : this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.enabled = $1 ORDER BY ${ORDER}`, [enabled]);
  }

  listVisibleTo(userId: string): Promise<ApplicationRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${visibleTo('a', '$1')} ORDER BY ${ORDER}`, [userId]);
  }

  /** Group access rows of the applications, by application id, each list ordered by group name. */
  async groupsOf(
    applicationIds: string[],
    manager: EntityManager = this.db.manager,
  ): Promise<Map<string, ApplicationGroupAccessView[]>> {
    const rows = await manager.query<GroupAccessRow[]>(
      `SELECT ga.id, ga.application_id AS "applicationId", ga.group_id AS "groupId", ga.access_level AS "accessLevel",
              g.name AS "groupName", g.display_name AS "groupDisplayName", ga.created_at AS "createdAt"
         FROM application_group_access ga JOIN groups g ON g.id = ga.group_id
        WHERE ga.application_id = ANY($1::uuid[])
        ORDER BY g.name COLLATE "C", ga.id`,
      [applicationIds],
    );
    const byApplication = new Map<string, ApplicationGroupAccessView[]>(applicationIds.map((id) => [id, []]));
    for (const row of rows)
      byApplication.get(row.applicationId)?.push({ ...row, createdAt: new Date(row.createdAt).toISOString() });
    return byApplication;
  }

  /** The ids among `groupIds` that name no group. */
  async missingGroups(groupIds: string[], manager: EntityManager = this.db.manager): Promise<string[]> {
    const candidates = groupIds.filter(isUuid);
    const found = new Set(
      (await manager.query<{ id: string }[]>('SELECT id FROM groups WHERE id = ANY($1::uuid[])', [candidates])).map(
        (row) => row.id,
      ),
    );
    return groupIds.filter((id) => !isUuid(id) || !found.has(id.toLowerCase()));
  }

  /** Inserts or changes the level; true when the row is new. */
  async upsertGroupAccess(
    applicationId: string,
    groupId: string,
    level: AccessLevel,
    manager: EntityManager = this.db.manager,
  ): Promise<boolean> {
    const [row] = await manager.query<{ created: boolean }[]>(
      `INSERT INTO application_group_access (application_id, group_id, access_level) VALUES ($1, $2, $3)
       ON CONFLICT (application_id, group_id) DO UPDATE SET access_level = EXCLUDED.access_level
       RETURNING (xmax = 0) AS created`,
      [applicationId, groupId, level],
    );
    return row.created;
  }

  /** Changes the level of an existing row; false when there is none. */
  async setGroupAccessLevel(applicationId: string, groupId: string, level: AccessLevel): Promise<boolean> {
    if (!isUuid(groupId)) return false;
    const rows = await this.db.query<unknown[]>(
      `WITH changed AS (UPDATE application_group_access SET access_level = $3 WHERE application_id = $1 AND group_id = $2 RETURNING id)
       SELECT id FROM changed`,
      [applicationId, groupId, level],
    );
    return rows.length > 0;
  }

  async deleteGroupAccess(applicationId: string, groupId: string): Promise<boolean> {
    if (!isUuid(groupId)) return false;
    const rows = await this.db.query<unknown[]>(
      `WITH removed AS (DELETE FROM application_group_access WHERE application_id = $1 AND group_id = $2 RETURNING id)
       SELECT id FROM removed`,
      [applicationId, groupId],
    );
    return rows.length > 0;
  }

  /** Sets the given columns and `updated_at`; the row must exist. */
  async update(
    id: string,
    changes: { displayName?: string; enabled?: boolean; configuration?: Record<string, unknown> },
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await manager.query(
      `UPDATE installed_applications SET
         display_name = COALESCE($2, display_name), enabled = COALESCE($3, enabled),
         configuration = COALESCE($4::jsonb, configuration), updated_at = now()
       WHERE id = $1`,
      [
        id,
        changes.displayName ?? null,
        changes.enabled ?? null,
        changes.configuration === undefined ? null : JSON.stringify(changes.configuration),
      ],
    );
  }

  async delete(id: string): Promise<void> {
    await this.db.query('DELETE FROM installed_applications WHERE id = $1', [id]);
  }

  /**
   * Mirrors an ApplicationInstall's status into its row (§3.7 "Install status"); only a change
   * is written. Unknown or non-UUID names are ignored.
   */
  async recordInstallStatus(id: string, status: ApplicationRow['installStatus'], message: string): Promise<void> {
    if (!isUuid(id)) return;
    await this.db.query(
      `UPDATE installed_applications SET install_status = $2, install_message = $3, updated_at = now()
        WHERE id = $1 AND (install_status, install_message) IS DISTINCT FROM ($2, $3)`,
      [id, status, message],
    );
  }
}
