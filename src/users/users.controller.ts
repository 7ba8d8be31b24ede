import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Roles } from '../common/roles.decorator.js';
import { QuotaLimitsDto } from '../quotas/quota-limits.dto.js';
import { UserQuotaView } from '../quotas/quota.view.js';
import { QuotaService } from '../quotas/quota.service.js';
import { CreateUserDto, ListUsersQuery, UpdateUserDto } from './user.dto.js';
import { UserView } from './user.view.js';
import { userNotFound, UsersService } from './users.service.js';
import { Audited, byBodyField } from '../common/audit.decorator.js';

/** /users/me* for everyone, the rest for admins. `me` routes are declared before `:id` (§3.14). */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly quotas: QuotaService,
  ) {}

  @Get('me')
  @Roles('user')
  @ApiOperation({ summary: 'The caller, with group ids and quota' })
  @ApiOkResponse({ type: UserView })
  async me(@CurrentUser() caller: Principal): Promise<UserView> {
    const user = await this.users.findById(caller.id);
    if (!user) throw userNotFound(caller.username);
    return this.users.detailedView(user);
  }

  @Get('me/quota')
  @Roles('user')
  @ApiOperation({ summary: "The caller's effective limits and current usage" })
  @ApiOkResponse({ type: UserQuotaView })
  myQuota(@CurrentUser() caller: Principal): Promise<UserQuotaView> {
    return this.quotas.quotaView(caller);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List accounts' })
  list(@Query() query: ListUsersQuery) {
    return this.users.list(query);
  }

  @Post()
  @Audited('user.create', 'User', byBodyField('username'))
  @Roles('admin')
  @ApiOperation({ summary: 'Create an account (joins all-users)' })
  @ApiCreatedResponse({ type: UserView })
  create(@Body() body: CreateUserDto): Promise<UserView> {
    return this.users.create(body);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One account by id or username, with groups and quota' })
  @ApiOkResponse({ type: UserView })
  async get(@Param('id') id: string): Promise<UserView> {
    return this.users.detailedView(await this.users.get(id));
  }

  @Patch(':id')
  @Audited('user.update', 'User')
  @Roles('admin')
  @ApiOperation({ summary: 'Change email, name, role, active flag or password' })
  @ApiOkResponse({ type: UserView })
  update(@Param('id') id: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @Audited('user.delete', 'User')
  @Roles('admin')
  @ApiOperation({ summary: 'Delete an account, its sessions and its home volume' })
  async delete(@Param('id') id: string) {
    return { message: 'User deleted', ...(await this.users.delete(id)) };
  }

  @Put(':id/quota')
  @Audited('user.quota.update', 'User')
  @Roles('admin')
  @ApiOperation({ summary: "Set the account's own quota row (null clears a value)" })
  @ApiOkResponse({ type: UserQuotaView })
  setQuota(@Param('id') id: string, @Body() body: QuotaLimitsDto): Promise<UserQuotaView> {
    return this.users.setQuota(id, body);
  }
}
