import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/roles.decorator.js';
import { ClusterMetricsService } from './cluster-metrics.service.js';

/** `/api/v1/metrics` (§3.12): the admin dashboard's cluster figures; Prometheus text is at the root /metrics. */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly clusterMetrics: ClusterMetricsService) {}

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'ClusterMetrics: nodes, sessions, requested resources, users' })
  async get() {
    return { cluster: await this.clusterMetrics.compute() };
  }
}
