import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { AnswerUnusableBodyWith } from '../common/json-body.js';
import { validateBody } from '../common/validation.js';
import { ChangePasswordDto, changePasswordBody, LoginDto, LoginResponse, RefreshDto, SetupDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import type { Principal } from '../common/principal.js';
import { CurrentUser, Public, Roles } from '../common/roles.decorator.js';
import { SetupService, type SetupStatus, setupBodyRefused } from './setup.service.js';

const loginBodyRefused = () => new ApiError(400, 'Invalid request body', 'username and password are required');
const changePasswordBodyRefused = () =>
  new ApiError(400, 'Invalid request', 'oldPassword and newPassword are required strings');
const refreshBodyRefused = () => new ApiError(400, 'Invalid request body', 'token is required');

/** Login, refresh, logout and the first-run setup wizard (api-contract §3.1). */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly setupService: SetupService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for a 24 h token' })
  @ApiBody({ type: LoginDto })
  @AnswerUnusableBodyWith(loginBodyRefused)
  @ApiOkResponse({ type: LoginResponse })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this username, address or both' })
  login(@Body() body: unknown, @Ip() clientAddress: string | undefined): Promise<LoginResponse> {
    const { username, password } = validateBody(LoginDto, body, loginBodyRefused);
    return this.auth.login(username, password, clientAddress);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade a valid token for a new one; the old one is revoked' })
  @ApiBody({ type: RefreshDto })
  @AnswerUnusableBodyWith(refreshBodyRefused)
  @ApiOkResponse({ type: LoginResponse })
  refresh(@Body() body: unknown): Promise<LoginResponse> {
    const { token } = validateBody(RefreshDto, body, refreshBodyRefused);
    return this.auth.refresh(token);
  }

  @Post('logout')
  @Roles('user')
  @HttpCode(200)
  @ApiOperation({ summary: "Revoke the caller's token" })
  async logout(@CurrentUser() caller: Principal) {
    await this.auth.logout(caller);
    return { message: 'Logged out successfully' };
  }

  @Post('change-password')
  @Roles('user')
  @HttpCode(200)
  @ApiOperation({
    summary: "Change the caller's password; every other token of the caller is revoked",
    description: 'Also accepts `{"oldPassword": {"currentPassword", "newPassword"}}`, as the Settings page sends it.',
  })
  @ApiBody({ type: ChangePasswordDto })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords (counted as failed logins)' })
  async changePassword(
    @CurrentUser() caller: Principal,
    @Body() body: unknown,
    @Ip() clientAddress: string | undefined,
  ) {
    const dto = validateBody(ChangePasswordDto, changePasswordBody(body), changePasswordBodyRefused);
    await this.auth.changePassword(caller, dto.oldPassword, dto.newPassword, clientAddress);
    return { message: 'Password changed successfully' };
  }

  @Get('setup/status')
  @Public()
  @ApiOperation({ summary: 'Whether the first-run setup wizard is available' })
  setupStatus(): Promise<SetupStatus> {
    return this.setupService.status();
  }

  @Post('setup')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'One-shot: give the bootstrap admin its password and email' })
  @ApiBody({ type: SetupDto })
  @AnswerUnusableBodyWith(setupBodyRefused)
  setup(@Body() body: unknown) {
    return this.setupService.setup(body);
  }
}
