import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { Roles } from '../common/roles.decorator.js';

/**
 * Two-factor authentication is not offered (api-contract §3.18): the dashboard's login page has no
 * second-factor step, so enabling one would lock users out. The Settings page lists methods on
 * every visit, so that answers an empty list; the rest answer 501.
 */
const notAvailable = () =>
  new ApiError(501, 'Not available', 'Two-factor authentication is not available on this server');

@ApiTags('auth')
@Controller('security/mfa')
@Roles('user')
export class MfaController {
  @Get('methods')
  @ApiOperation({ summary: 'Second factors of the caller: always none' })
  methods(): { methods: never[] } {
    return { methods: [] };
  }

  @Post('setup')
  @HttpCode(501)
  @ApiOperation({ summary: 'Not available (501)' })
  setup(): never {
    throw notAvailable();
  }

  @Post(':id/verify-setup')
  @HttpCode(501)
  @ApiOperation({ summary: 'Not available (501)' })
  // The id is not read, but it is a path name like any other (§1.4: hostile names are 400 first).
  verifySetup(@Param('id') _id: string): never {
    throw notAvailable();
  }

  @Post('verify')
  @HttpCode(501)
  @ApiOperation({ summary: 'Not available (501)' })
  verify(): never {
    throw notAvailable();
  }

  @Delete(':id')
  @HttpCode(501)
  @ApiOperation({ summary: 'Not available (501)' })
  remove(@Param('id') _id: string): never {
    throw notAvailable();
  }
}
