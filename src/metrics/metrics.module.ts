import { Global, Module } from '@nestjs/common';
import { ClusterMetricsService } from './cluster-metrics.service.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** Prometheus metrics (§3.12), fed from everywhere, and the JSON cluster figures. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetricsMiddleware, ClusterMetricsService],
  exports: [MetricsService, HttpMetricsMiddleware, ClusterMetricsService],
})
export class MetricsModule {}
