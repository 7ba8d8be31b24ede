import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { ApplicationInstaller } from './application-installer.js';
import {
  GrantGroupAccessDto,
  InstallApplicationDto,
  ListApplicationsQuery,
  SetApplicationEnabledDto,
  SetGroupAccessDto,
  UpdateApplicationDto,
} from './applications.dto.js';
import { ApplicationsService } from './applications.service.js';
import { Audited, byBodyField } from '../common/audit.decorator.js';

/** Installed applications (§3.7). `user` is declared before `:id` (§3.14). */
@ApiTags('applications')
@Controller('applications')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly installer: ApplicationInstaller,
  ) {}

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'Every installed application with its group access, by display name' })
  list(@Query() query: ListApplicationsQuery) {
    return this.applications.list(query.enabled);
  }

  @Post()
  @Audited('application.install', 'Application', byBodyField('catalogTemplateId'))
  @Roles('operator')
  @ApiOperation({ summary: 'Install a catalog entry as an application (row + ApplicationInstall → its own Template)' })
  install(@CurrentUser() caller: Principal, @Body() body: InstallApplicationDto) {
    return this.installer.install(caller, body);
  }

  @Get('user')
  @Roles('user')
  @ApiOperation({ summary: 'Applications the caller may see: enabled, installed, and open to them' })
  listVisible(@CurrentUser() caller: Principal) {
    return this.applications.listVisible(caller);
  }

  @Get(':id')
  @Roles('operator')
  @ApiOperation({ summary: 'One application with its manifest and group access' })
  get(@Param('id') id: string) {
    return this.applications.get(id);
  }

  @Put(':id')
  @Audited('application.update', 'Application')
  @Roles('operator')
  @ApiOperation({ summary: 'Change displayName (carried to the Template), enabled or configuration' })
  update(@Param('id') id: string, @Body() body: UpdateApplicationDto) {
    return this.applications.update(id, body);
  }

  @Delete(':id')
  @Audited('application.delete', 'Application')
  @Roles('operator')
  @ApiOperation({ summary: 'Uninstall: the Template is garbage-collected; running sessions keep running' })
  async uninstall(@Param('id') id: string) {
    await this.installer.uninstall(id);
    return { message: 'Application deleted successfully' };
  }

  @Put(':id/enabled')
  @Audited('application.enabled', 'Application')
  @Roles('operator')
  @ApiOperation({ summary: 'Enable or disable (disabled: hidden from users, launch refused)' })
  setEnabled(@Param('id') id: string, @Body() body: SetApplicationEnabledDto) {
    return this.applications.setEnabled(id, body.enabled);
  }

  @Get(':id/config')
  @Roles('operator')
  @ApiOperation({ summary: 'The Template spec the application was installed from' })
  config(@Param('id') id: string) {
    return this.applications.config(id);
  }

  @Get(':id/icon')
  @Roles('user')
  @ApiOperation({ summary: 'Redirect to the icon URL (cacheable for a day)' })
  @ApiFoundResponse({ description: 'Location: the icon URL' })
  async icon(@Param('id') id: string, @Res() res: Response) {
    const url = await this.applications.iconUrl(id);
    // The one response allowed to be cached publicly (§1.3).
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.redirect(302, url);
  }

  @Get(':id/groups')
  @Roles('operator')
  @ApiOperation({ summary: 'Group access entries, by group name' })
  groups(@Param('id') id: string) {
    return this.applications.groups(id);
  }

  @Post(':id/groups')
  @Audited('application.groups.add', 'Application')
  @Roles('operator')
  @ApiOperation({ summary: 'Grant or change a group’s access (201 created, 200 updated)' })
  async grantGroup(
    @Param('id') id: string,
    @Body() body: GrantGroupAccessDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created } = await this.applications.grantGroup(id, body.groupId, body.accessLevel);
    res.status(created ? 201 : 200);
    return { message: created ? 'Group access granted successfully' : 'Group access updated successfully' };
  }

  @Put(':id/groups/:groupId')
  @Audited('application.groups.update', 'Application')
  @Roles('operator')
  @ApiOperation({ summary: 'Change a group’s access level' })
  async setGroupLevel(@Param('id') id: string, @Param('groupId') groupId: string, @Body() body: SetGroupAccessDto) {
    await this.applications.setGroupLevel(id, groupId, body.accessLevel);
    return { message: 'Group access updated successfully' };
  }

  @Delete(':id/groups/:groupId')
  @Audited('application.groups.remove', 'Application')
  @Roles('operator')
  @ApiOperation({ summary: 'Remove a group’s access' })
  async revokeGroup(@Param('id') id: string, @Param('groupId') groupId: string) {
    await this.applications.revokeGroup(id, groupId);
    return { message: 'Group access removed successfully' };
  }
}
