import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { ApiError } from '../common/api-error.js';
import { ConnectResponse } from './connection.view.js';
import { connectionIdParameter } from '../sessions/connection-parameters.js';
import { ConnectDto } from './connect.dto.js';
import { type ClientInfo, ConnectionsService } from './connections.service.js';

function optionalUser(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > 63)
    throw new ApiError(400, 'Invalid request', 'user: must be a username');
  return value;
}

const clientOf = (request: Request): ClientInfo => ({ ip: request.ip, userAgent: request.get('user-agent') ?? '' });

/** Connect, disconnect and live connections of a session (§3.3); the owner, operators and admins. */
@ApiTags('sessions')
@Controller('sessions/:id')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get('connect')
  @Roles('user')
  @ApiOperation({ summary: 'Connect (waking a hibernated session); what the UI calls' })
  @ApiQuery({ name: 'user', required: false })
  @ApiOkResponse({ type: ConnectResponse })
  connectByGet(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Query('user') user: unknown,
    @Req() request: Request,
  ) {
    return this.connections.connect(caller, id, optionalUser(user), clientOf(request));
  }

  @Post('connect')
  @Roles('user')
  @HttpCode(200)
  @ApiOperation({ summary: 'Connect; same as GET, also accepts {"user": …} in the body' })
  @ApiBody({ type: ConnectDto, required: false })
  @ApiOkResponse({ type: ConnectResponse })
  connectByPost(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Query('user') queryUser: unknown,
    @Body() body: ConnectDto,
    @Req() request: Request,
  ) {
    const user = body.user ?? optionalUser(queryUser);
    return this.connections.connect(caller, id, user, clientOf(request));
  }

  @Post('disconnect')
  @Roles('user')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close one of your connections (operators and admins: any)' })
  @ApiQuery({ name: 'connectionId', required: true })
  disconnect(@CurrentUser() caller: Principal, @Param('id') id: string, @Query('connectionId') connectionId: unknown) {
    return this.connections.disconnect(caller, id, connectionIdParameter(connectionId, true)!);
  }

  @Get('connections')
  @Roles('user')
  @ApiOperation({ summary: 'Live connections, oldest first' })
  list(@CurrentUser() caller: Principal, @Param('id') id: string) {
    return this.connections.list(caller, id);
  }
}
