import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/roles.decorator.js';
import { HealthService, type HealthReport, type VersionInfo } from './health.service.js';

/** The /api/v1 copies; the root /health, /health/live and /version sit on the HTTP adapter (§3.14). */
@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly healthService: HealthService) {}

  @Get('health')
  @ApiOperation({ summary: 'Database and Kubernetes checks (public)' })
  @ApiOkResponse({ description: 'Both checks up' })
  @ApiServiceUnavailableResponse({ description: 'A check is down' })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.healthService.health();
    response.status(report.status === 'healthy' ? 200 : 503);
    return report;
  }

  @Get('version')
  @ApiOperation({ summary: 'Server version (public)' })
  version(): VersionInfo {
    return this.healthService.version();
  }
}
