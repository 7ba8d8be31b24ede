import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/roles.decorator.js';
import { PlatformConfigService } from './platform-config.service.js';
import { Audited } from '../common/audit.decorator.js';

/** Platform configuration (§3.10): one flat object of strings, admin only. */
@ApiTags('config')
@Controller('config')
export class ConfigController {
  constructor(private readonly platformConfig: PlatformConfigService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Every known key with its effective value, plus unknown stored keys' })
  get(): Record<string, string> {
    return this.platformConfig.values();
  }

  @Patch()
  @Audited('config.update', 'ConfigMap', () => ({ name: 'streamspace-config' }))
  @Roles('admin')
  @ApiOperation({ summary: 'Merge keys (string sets, null removes); all validated before anything is written' })
  @ApiBody({
    schema: {
      type: 'object',
      additionalProperties: { type: 'string', nullable: true },
      example: { 'session.defaultIdleTimeout': '1h' },
    },
  })
  async update(@Body() body: unknown) {
    const config = await this.platformConfig.update(body);
    return { message: 'Configuration updated successfully', config };
  }
}
