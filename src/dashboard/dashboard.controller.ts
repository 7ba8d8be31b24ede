import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { DashboardUsersQuery, TimelineQuery } from './dashboard.dto.js';
import { DashboardService } from './dashboard.service.js';

/** Dashboards (§3.11): real figures only. */
@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get('me')
  @Roles('user')
  @ApiOperation({ summary: "The caller's sessions, quota and recent connections" })
  me(@CurrentUser() caller: Principal) {
    return this.dashboard.me(caller);
  }

  @Get('platform')
  @Roles('operator')
  @ApiOperation({ summary: 'Users, sessions, templates and connections across the platform' })
  platform() {
    return this.dashboard.platform();
  }

  @Get('resources')
  @Roles('operator')
  @ApiOperation({ summary: 'Resources in use against the sum of limits, and the top consumers' })
  resources() {
    return this.dashboard.resources();
  }

  @Get('users')
  @Roles('operator')
  @ApiOperation({ summary: 'Enabled users by sessions in use' })
  users(@Query() query: DashboardUsersQuery) {
    return this.dashboard.users(query.limit, query.offset);
  }

  @Get('templates')
  @Roles('operator')
  @ApiOperation({ summary: 'Top 20 templates by sessions ever created' })
  templates() {
    return this.dashboard.topTemplates();
  }

  @Get('timeline')
  @Roles('operator')
  @ApiOperation({ summary: 'Sessions created and connections opened per UTC day' })
  timeline(@Query() query: TimelineQuery) {
    return this.dashboard.timeline(query.days);
  }
}
