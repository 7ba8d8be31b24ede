import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { connectionIdParameter } from '../sessions/connection-parameters.js';
import { ActivityStatusView } from './activity-status.view.js';
import { ActivityService } from './activity.service.js';

/** Heartbeats and idle state of a session (§3.4); the owner, operators and admins. */
@ApiTags('sessions')
@Controller('sessions/:id')
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Post('heartbeat')
  @Roles('user')
  @HttpCode(200)
  @ApiOperation({ summary: 'Keep a connection and the activity clock alive (the viewer sends one every 30 s)' })
  @ApiQuery({ name: 'connectionId', required: false })
  heartbeat(@CurrentUser() caller: Principal, @Param('id') id: string, @Query('connectionId') connectionId: unknown) {
    return this.activity.heartbeat(caller, id, connectionIdParameter(connectionId, false));
  }

  @Get('activity-status')
  @Roles('user')
  @ApiOperation({ summary: 'Idle figures and when the session would be hibernated' })
  @ApiOkResponse({ type: ActivityStatusView })
  status(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<ActivityStatusView> {
    return this.activity.status(caller, id);
  }
}
