import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { CreateSessionDto, ListSessionsQuery, UpdateSessionStateDto, UpdateSessionTagsDto } from './session.dto.js';
import { SessionView } from './session.view.js';
import { SessionsService } from './sessions.service.js';

/** Sessions (§3.3). `by-tags` is declared before `:id` (§3.14). Ownership is checked in the service. */
@ApiTags('sessions')
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @Roles('user')
  @ApiOperation({ summary: 'Sessions the caller may see, newest first (operators: all, or ?user=)' })
  @ApiOkResponse({
    schema: {
      properties: {
        sessions: { type: 'array', items: { $ref: getSchemaPath(SessionView) } },
        total: { type: 'number' },
      },
    },
  })
  async list(
    @CurrentUser() caller: Principal,
    @Query() query: ListSessionsQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const json = await this.sessions.listJson(caller, query);
    response.type('application/json');
    return json;
  }

  @Post()
  @Roles('user')
  @HttpCode(202)
  @ApiOperation({ summary: 'Launch a Template (or installed application) as a new session' })
  @ApiAcceptedResponse({ type: SessionView })
  create(@CurrentUser() caller: Principal, @Body() body: CreateSessionDto): Promise<SessionView> {
    return this.sessions.create(caller, body);
  }

  @Get('by-tags')
  @Roles('user')
  @ApiOperation({ summary: 'Sessions having any of the tags (?tags=a&tags=b, tags[]=, or a,b)' })
  @ApiQuery({ name: 'tags', type: [String], required: true })
  @ApiQuery({ name: 'user', required: false })
  byTags(@CurrentUser() caller: Principal, @Query() query: Record<string, unknown>) {
    return this.sessions.byTags(caller, query);
  }

  @Get(':id')
  @Roles('user')
  @ApiOperation({ summary: 'One session (owner, operator or admin)' })
  @ApiOkResponse({ type: SessionView })
  get(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<SessionView> {
    return this.sessions.get(caller, id);
  }

  @Patch(':id')
  @Roles('user')
  @HttpCode(202)
  @ApiOperation({ summary: 'Change the desired state: running, hibernated or terminated' })
  @ApiBody({ type: UpdateSessionStateDto })
  @ApiAcceptedResponse({ type: SessionView })
  setState(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: UpdateSessionStateDto,
  ): Promise<SessionView> {
    return this.sessions.setState(caller, id, body.state);
  }

  @Delete(':id')
  @Roles('user')
  @HttpCode(202)
  @ApiOperation({ summary: 'Delete the session (its workload goes too; the home volume stays)' })
  delete(@CurrentUser() caller: Principal, @Param('id') id: string) {
    return this.sessions.delete(caller, id);
  }

  @Patch(':id/tags')
  @Roles('user')
  @ApiOperation({ summary: "Replace the session's tags" })
  @ApiBody({ type: UpdateSessionTagsDto })
  @ApiOkResponse({ type: SessionView })
  setTags(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: UpdateSessionTagsDto,
  ): Promise<SessionView> {
    return this.sessions.setTags(caller, id, body.tags);
  }
}
