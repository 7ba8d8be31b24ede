import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { ConnectionTracker } from './connection-tracker.js';
import { ConnectionsController } from './connections.controller.js';
import { ConnectionsService } from './connections.service.js';

/** Connections of sessions (§3.3 connect/disconnect, §6.4 tracker). */
@Module({
  imports: [SessionsModule, UsersModule, ActivityModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService, ConnectionTracker],
})
export class ConnectionsModule {}
