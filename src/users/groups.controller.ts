import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { QuotaLimitsDto } from '../quotas/quota-limits.dto.js';
import { CreateGroupDto, ListGroupsQuery, UpdateGroupDto } from './group.dto.js';
import { GroupsService } from './groups.service.js';
import { Audited, byBodyField } from '../common/audit.decorator.js';

@ApiTags('groups')
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @Roles('user')
  @ApiOperation({ summary: 'Groups: all for operators and admins, own memberships for users' })
  list(@CurrentUser() caller: Principal, @Query() query: ListGroupsQuery) {
    return this.groups.list(caller, query);
  }

  @Post()
  @Audited('group.create', 'Group', byBodyField('name'))
  @Roles('admin')
  @ApiOperation({ summary: 'Create a group' })
  create(@Body() body: CreateGroupDto) {
    return this.groups.create(body);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One group with its members' })
  get(@Param('id') id: string) {
    return this.groups.get(id);
  }

  @Patch(':id')
  @Audited('group.update', 'Group')
  @Roles('admin')
  @ApiOperation({ summary: 'Change name, display name, description, type or parent' })
  update(@Param('id') id: string, @Body() body: UpdateGroupDto) {
    return this.groups.update(id, body);
  }

  @Delete(':id')
  @Audited('group.delete', 'Group')
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a group (not all-users)' })
  async delete(@Param('id') id: string) {
    await this.groups.delete(id);
    return { message: 'Group deleted' };
  }

  @Post(':id/members/:userId')
  @Audited('group.member.add', 'Group')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add an account (id or username) to the group; idempotent' })
  async addMember(@Param('id') id: string, @Param('userId') userId: string) {
    await this.groups.addMember(id, userId);
    return { message: 'Member added', groupId: id, userId };
  }

  @Delete(':id/members/:userId')
  @Audited('group.member.remove', 'Group')
  @Roles('admin')
  @ApiOperation({ summary: 'Remove an account from the group; idempotent' })
  async removeMember(@Param('id') id: string, @Param('userId') userId: string) {
    await this.groups.removeMember(id, userId);
    return { message: 'Member removed', groupId: id, userId };
  }

  @Put(':id/quota')
  @Audited('group.quota.update', 'Group')
  @Roles('admin')
  @ApiOperation({ summary: "Set the group's caps for each member (null clears a value)" })
  setQuota(@Param('id') id: string, @Body() body: QuotaLimitsDto) {
    return this.groups.setQuota(id, body);
  }
}
