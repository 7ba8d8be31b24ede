import { Global, Module } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsService } from './metrics.service.js';

/** Prometheus metrics (§3.12), fed from everywhere. */
@Global()
@Module({ providers: [MetricsService, HttpMetricsMiddleware], exports: [MetricsService, HttpMetricsMiddleware] })
export class MetricsModule {}
