import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { hasRole } from '../auth/principal.js';
import type { Role } from '../users/user.entity.js';
import { ApiError } from '../common/api-error.js';

export interface LaunchableApplication {
  id: string;
  displayName: string;
  templateName: string;
}

/**
 * Step 2 of session create (api-contract §3.3): the installed application must exist, be enabled,
 * be installed, and the owner (not the operator acting for them) must have launch access (§3.7 access rules).
 */
@Injectable()
export class ApplicationLaunchService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async forLaunch(applicationId: string, owner: { id: string; role: Role }): Promise<LaunchableApplication> {
    const [app] = (await this.db.query(
      `SELECT a.id, a.display_name AS "displayName", a.template_name AS "templateName", a.enabled,
              a.install_status AS "installStatus", a.install_message AS "installMessage",
              a.created_by = $2 AS "createdByOwner",
              NOT EXISTS (SELECT 1 FROM application_group_access g WHERE g.application_id = a.id) AS "openToAll",
              EXISTS (SELECT 1 FROM application_group_access g
                        JOIN group_memberships m ON m.group_id = g.group_id AND m.user_id = $2
                       WHERE g.application_id = a.id AND g.access_level IN ('launch', 'admin')) AS "grantedByGroup"
         FROM installed_applications a WHERE a.id = $1`,
      [applicationId, owner.id],
    )) as (LaunchableApplication & {
      enabled: boolean;
      installStatus: string;
      installMessage: string;
      createdByOwner: boolean | null;
      openToAll: boolean;
      grantedByGroup: boolean;
    })[];
    if (!app) throw new ApiError(404, 'Application not found', `No application found with ID: ${applicationId}`);
    const name = app.displayName;
    if (!app.enabled) throw new ApiError(400, 'Application disabled', `The application '${name}' is currently disabled`);
    if (app.installStatus === 'failed')
      throw new ApiError(400, 'Application installation failed', `The application '${name}' failed to install: ${app.installMessage}`);
    if (app.installStatus !== 'installed')
      throw new ApiError(400, 'Application still installing', `The application '${name}' is still being installed. Please wait and try again.`);
    const mayLaunch = hasRole(owner, 'operator') || app.createdByOwner || app.openToAll || app.grantedByGroup;
    if (!mayLaunch) throw new ApiError(403, 'Forbidden', `You do not have launch access to the application '${name}'`);
    return { id: app.id, displayName: name, templateName: app.templateName };
  }
}
