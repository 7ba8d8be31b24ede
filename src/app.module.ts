import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { ActivityModule } from './activity/activity.module.js';
import { ApplicationsModule } from './applications/applications.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { ClockModule } from './common/clock.js';
import { noStore, rejectNulBytes } from './common/http-middleware.js';
import { jsonBody } from './common/json-body.js';
import { loggerParams } from './common/logging.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { KubernetesModule } from './kubernetes/kubernetes.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { requestLaneMiddleware } from './kubernetes/request-lanes.js';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { NodesModule } from './nodes/nodes.module.js';
import { PlatformConfigModule } from './platform-config/platform-config.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SharingModule } from './sharing/sharing.module.js';
import { TemplatesModule } from './templates/templates.module.js';
import { UsersModule } from './users/users.module.js';
import { WebSocketModule } from './websocket/websocket.module.js';
import { WorkloadsModule } from './workloads/workloads.module.js';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config.logLevel)),
        DatabaseModule,
        KubernetesModule,
        ScheduleModule.forRoot(),
        ClockModule,
        MetricsModule,
        HealthModule,
        PlatformConfigModule,
        AuthModule,
        UsersModule,
        TemplatesModule,
        SessionsModule,
        ActivityModule,
        ConnectionsModule,
        SharingModule,
        WorkloadsModule,
        CatalogModule,
        ApplicationsModule,
        NodesModule,
        ClusterModule,
        WebSocketModule,
        DashboardModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // The lane goes after the body parser, whose stream callbacks would lose it.
    consumer.apply(rejectNulBytes, jsonBody, requestLaneMiddleware).forRoutes('*path');
    consumer.apply(noStore).forRoutes('*path');
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
