import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClusterModule } from '../cluster/cluster.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { ClusterEndpoint } from './cluster.endpoint.js';
import { EnterpriseEndpoint } from './enterprise.endpoint.js';
import { LogsEndpoint } from './logs.endpoint.js';
import { SessionsEndpoint } from './sessions.endpoint.js';
import { WEBSOCKET_ENDPOINTS } from './websocket-endpoint.js';
import { WebSocketHub, WebSocketSettings } from './websocket-hub.js';

/** The WebSockets of api-contract §8, all behind one upgrade handler. */
@Module({
  imports: [AuthModule, SessionsModule, UsersModule, ClusterModule],
  providers: [
    WebSocketSettings,
    WebSocketHub,
    SessionsEndpoint,
    ClusterEndpoint,
    LogsEndpoint,
    EnterpriseEndpoint,
    {
      provide: WEBSOCKET_ENDPOINTS,
      inject: [SessionsEndpoint, ClusterEndpoint, LogsEndpoint, EnterpriseEndpoint],
      useFactory: (...endpoints: unknown[]) => endpoints,
    },
  ],
  exports: [WebSocketHub, WebSocketSettings],
})
export class WebSocketModule {}
