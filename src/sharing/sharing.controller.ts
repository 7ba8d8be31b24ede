import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { AcceptInvitationDto, CreateInvitationDto, CreateShareDto } from './sharing.dto.js';
import { SharingService } from './sharing.service.js';

/** Shares, invitations and collaborators of one session (§3.17); who may is SessionsService.access. */
@ApiTags('sharing')
@Controller('sessions/:id')
@Roles('user')
export class SessionSharingController {
  constructor(private readonly sharing: SharingService) {}

  @Post('share')
  @HttpCode(201)
  @ApiOperation({ summary: 'Share with a user at view, collaborate or control level (201; 200 when updated)' })
  @ApiBody({ type: CreateShareDto })
  async share(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: CreateShareDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { created, id: shareId, shareToken } = await this.sharing.share(caller, id, body);
    if (!created) response.status(200);
    return { id: shareId, shareToken, message: created ? 'Session shared successfully' : 'Share updated' };
  }

  @Get('shares')
  @ApiOperation({ summary: 'Shares of the session, newest first (owner, operators, admins)' })
  shares(@CurrentUser() caller: Principal, @Param('id') id: string) {
    return this.sharing.list(caller, id);
  }

  @Delete('shares/:shareId')
  @ApiOperation({ summary: "Revoke a share; that user's open connections are closed" })
  async revoke(@CurrentUser() caller: Principal, @Param('id') id: string, @Param('shareId') shareId: string) {
    await this.sharing.revoke(caller, id, shareId);
    return { message: 'Share revoked' };
  }

  @Post('invitations')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an invitation link with a use limit and an optional expiry' })
  @ApiBody({ type: CreateInvitationDto })
  async invite(@CurrentUser() caller: Principal, @Param('id') id: string, @Body() body: CreateInvitationDto) {
    return { ...(await this.sharing.createInvitation(caller, id, body)), message: 'Invitation created' };
  }

  @Get('invitations')
  @ApiOperation({ summary: 'Invitations of the session, newest first' })
  invitations(@CurrentUser() caller: Principal, @Param('id') id: string) {
    return this.sharing.invitations(caller, id);
  }

  @Get('collaborators')
  @ApiOperation({ summary: 'Accepted shares of the session (owner, shared users, operators, admins)' })
  collaborators(@CurrentUser() caller: Principal, @Param('id') id: string) {
    return this.sharing.collaborators(caller, id);
  }

  @Post('collaborators/:userId/activity')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record activity of that collaborator (themself, or an operator)' })
  async activity(@CurrentUser() caller: Principal, @Param('id') id: string, @Param('userId') userId: string) {
    await this.sharing.collaboratorActivity(caller, id, userId);
    return { message: 'Activity recorded' };
  }

  @Delete('collaborators/:userId')
  @ApiOperation({ summary: "Revoke that user's share" })
  async removeCollaborator(@CurrentUser() caller: Principal, @Param('id') id: string, @Param('userId') userId: string) {
    await this.sharing.removeCollaborator(caller, id, userId);
    return { message: 'Share revoked' };
  }
}

/** Invitation links and the "Shared with Me" page (§3.17). */
@ApiTags('sharing')
@Controller()
@Roles('user')
export class SharingController {
  constructor(private readonly sharing: SharingService) {}

  @Delete('invitations/:token')
  @ApiOperation({ summary: 'Revoke an invitation (its creator, operators, admins)' })
  async revokeInvitation(@CurrentUser() caller: Principal, @Param('token') token: string) {
    await this.sharing.revokeInvitation(caller, token);
    return { message: 'Invitation revoked' };
  }

  @Post('invitations/:token/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation: a share at its level for the caller (operators: userId)' })
  @ApiBody({ type: AcceptInvitationDto, required: false })
  async accept(@CurrentUser() caller: Principal, @Param('token') token: string, @Body() body: AcceptInvitationDto) {
    return { ...(await this.sharing.accept(caller, token, body ?? {})), message: 'Invitation accepted' };
  }

  @Get('shared-sessions')
  @ApiOperation({ summary: 'Sessions shared with the caller (operators: ?userId= anyone)' })
  @ApiQuery({ name: 'userId', required: false })
  sharedSessions(@CurrentUser() caller: Principal, @Query('userId') userId: unknown) {
    return this.sharing.sharedWith(caller, typeof userId === 'string' ? userId : undefined);
  }
}
