import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../common/principal.js';
import { ApiError } from '../common/api-error.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { unlessNotFound } from '../kubernetes/kubernetes-errors.js';
import { ACCESS_LEVELS, type AccessLevel } from './application-access.js';
import {
  type ApplicationGroupAccessView,
  type InstalledApplicationView,
  toApplicationView,
} from './application.view.js';
import type { UpdateApplicationDto } from './applications.dto.js';
import { ApplicationsRepository } from './applications.repository.js';

const invalidAccessLevel = () =>
  new ApiError(400, 'Invalid access level', 'accessLevel must be one of view, launch, admin');
const groupAccessNotFound = (groupId: string) =>
  new ApiError(404, 'Group access not found', `Group '${groupId}' has no access entry on this application`);

/** A level from a request body; absent means `launch` where a default is allowed (§3.7). */
export function accessLevel(value: unknown, fallback?: AccessLevel): AccessLevel {
  if (value === undefined && fallback) return fallback;
  if (typeof value !== 'string' || !ACCESS_LEVELS.includes(value as AccessLevel)) throw invalidAccessLevel();
  return value as AccessLevel;
}

/** Installed applications: reads, changes and group access (api-contract §3.7). */
@Injectable()
export class ApplicationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly k8s: K8sService,
    private readonly applications: ApplicationsRepository,
  ) {}

  async list(enabled: boolean | undefined): Promise<{ applications: InstalledApplicationView[]; total: number }> {
    const rows = await this.applications.list(enabled);
    const groups = await this.applications.groupsOf(rows.map((row) => row.id));
    const applications = rows.map((row) => toApplicationView(row, { groups: groups.get(row.id) ?? [] }));
    return { applications, total: applications.length };
  }

  /** The caller's home page: the same access rules as launch (groups omitted). */
  async listVisible(caller: Principal): Promise<{ applications: InstalledApplicationView[]; total: number }> {
    const applications = (await this.applications.listVisibleTo(caller.id)).map((row) => toApplicationView(row));
    return { applications, total: applications.length };
  }

  get(id: string): Promise<InstalledApplicationView> {
    return this.view(id, true);
  }

  /**
   * Stores the changes; a new displayName also goes to the ApplicationInstall, whose reconciler
   * carries it to the Template. Both in one transaction: a failed patch changes nothing.
   */
  async update(id: string, dto: UpdateApplicationDto): Promise<InstalledApplicationView> {
    await this.db.transaction(async (manager) => {
      const current = await this.applications.get(id, manager);
      await this.applications.update(id, dto, manager);
      if (dto.displayName !== undefined && dto.displayName !== current.displayName) {
        // Without its ApplicationInstall there is nothing to carry the name to.
        await unlessNotFound(this.k8s.applicationInstalls.patchSpec(id, { displayName: dto.displayName }));
      }
    });
    return this.view(id, false);
  }

  async setEnabled(id: string, enabled: boolean): Promise<{ message: string; enabled: boolean }> {
    await this.applications.get(id);
    await this.applications.update(id, { enabled });
    return { message: enabled ? 'Application enabled successfully' : 'Application disabled successfully', enabled };
  }

  async config(id: string): Promise<{ config: Record<string, unknown> }> {
    return { config: (await this.applications.get(id)).manifest };
  }

  /** The icon URL, never fetched by the server (§3.7). */
  async iconUrl(id: string): Promise<string> {
    const { iconUrl } = await this.applications.get(id);
    if (!iconUrl) throw new ApiError(404, 'Icon not found', 'This application has no icon');
    return iconUrl;
  }

  async groups(id: string): Promise<{ groups: ApplicationGroupAccessView[]; total: number }> {
    await this.applications.get(id);
    const groups = (await this.applications.groupsOf([id])).get(id) ?? [];
    return { groups, total: groups.length };
  }

  /** Upsert; `created` tells 201 from 200. */
  async grantGroup(id: string, groupId: string, level: unknown): Promise<{ created: boolean }> {
    const checked = accessLevel(level, 'launch');
    await this.applications.get(id);
    if ((await this.applications.missingGroups([groupId])).length > 0)
      throw new ApiError(400, 'Group not found', `No group with ID ${groupId}`);
    return { created: await this.applications.upsertGroupAccess(id, groupId, checked) };
  }

  async setGroupLevel(id: string, groupId: string, level: unknown): Promise<void> {
    const checked = accessLevel(level);
    await this.applications.get(id);
    if (!(await this.applications.setGroupAccessLevel(id, groupId, checked))) throw groupAccessNotFound(groupId);
  }

  async revokeGroup(id: string, groupId: string): Promise<void> {
    await this.applications.get(id);
    if (!(await this.applications.deleteGroupAccess(id, groupId))) throw groupAccessNotFound(groupId);
  }

  private async view(id: string, withManifest: boolean): Promise<InstalledApplicationView> {
    const row = await this.applications.get(id);
    return toApplicationView(row, { groups: (await this.applications.groupsOf([id])).get(id) ?? [], withManifest });
  }
}
