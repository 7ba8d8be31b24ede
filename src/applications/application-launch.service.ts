import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { hasRole } from '../common/principal.js';
import type { Role } from '../common/principal.js';
import { ApiError } from '../common/api-error.js';
import { TemplateCache } from '../kubernetes/custom-resource.cache.js';
import { launchableBy } from './application-access.js';
import { ApplicationInstallScheduler } from './application-install.scheduler.js';
import { isUuid } from '../common/uuid.js';

export interface LaunchableApplication {
  id: string;
  displayName: string;
  templateName: string;
}

const applicationNotFound = (id: string) =>
  new ApiError(404, 'Application not found', `No application found with ID: ${id}`);

/**
 * Step 2 of session create (api-contract §3.3): the installed application must exist, be enabled,
 * be installed, and the owner (not the operator acting for them) must have launch access (§3.7 access rules).
 */
@Injectable()
export class ApplicationLaunchService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly templates: TemplateCache,
    private readonly installs: ApplicationInstallScheduler,
  ) {}

  /**
   * `{template}` naming an installed application's Template launches that application, through
   * the same checks as `{applicationId}` (issue 16); any other Template is not an application.
   */
  async forTemplate(
    templateName: string,
    owner: { id: string; role: Role },
  ): Promise<LaunchableApplication | undefined> {
    const [app] = await this.db.query<{ id: string }[]>(
      `SELECT id FROM installed_applications WHERE template_name = $1`,
      [templateName],
    );
    return app ? this.forLaunch(app.id, owner) : undefined;
  }

  async forLaunch(applicationId: string, owner: { id: string; role: Role }): Promise<LaunchableApplication> {
    if (!isUuid(applicationId)) throw applicationNotFound(applicationId);
    const [app] = await this.db.query<
      (LaunchableApplication & {
        enabled: boolean;
        installStatus: string;
        installMessage: string;
        granted: boolean;
      })[]
    >(
      `SELECT a.id, a.display_name AS "displayName", a.template_name AS "templateName", a.enabled,
              a.install_status AS "installStatus", a.install_message AS "installMessage",
              ${launchableBy('a', '$2')} AS "granted"
         FROM installed_applications a WHERE a.id = $1`,
      [applicationId, owner.id],
    );
    if (!app) throw applicationNotFound(applicationId);
    const name = app.displayName;
    if (!app.enabled)
      throw new ApiError(400, 'Application disabled', `The application '${name}' is currently disabled`);
    if (app.installStatus === 'failed')
      throw new ApiError(
        400,
        'Application installation failed',
        `The application '${name}' failed to install: ${app.installMessage}`,
      );
    if (app.installStatus !== 'installed')
      throw new ApiError(
        400,
        'Application still installing',
        `The application '${name}' is still being installed. Please wait and try again.`,
      );
    if (!hasRole(owner, 'operator') && !app.granted)
      throw new ApiError(403, 'Forbidden', `You do not have launch access to the application '${name}'`);
    // The launch will answer 503 "Template reinstalling" (§3.3 step 3): re-reconcile at once.
    if (this.templates.isSynced && !this.templates.get(app.templateName)) this.installs.reconcileNow(app.id);
    return { id: app.id, displayName: name, templateName: app.templateName };
  }
}
