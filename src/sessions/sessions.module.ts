import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApplicationsModule } from '../applications/applications.module.js';
import { QuotasModule } from '../quotas/quotas.module.js';
import { UsersModule } from '../users/users.module.js';
import { SessionChanges } from './session-changes.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { SessionProjection } from './session-projection.js';
import { ConnectionEntity } from './connection.entity.js';
import { SessionRecordEntity } from './session-record.entity.js';
import { SessionsController } from './sessions.controller.js';
import { SessionListIndex } from './session-list-index.js';
import { SessionShares } from './session-shares.js';
import { SessionsService } from './sessions.service.js';

/** Sessions: REST routes of api-contract §3.3, the sessions table projection and the one access rule (§2.4, §3.17). */
@Module({
  imports: [
    TypeOrmModule.forFeature([SessionRecordEntity, ConnectionEntity]),
    QuotasModule,
    UsersModule,
    ApplicationsModule,
  ],
  controllers: [SessionsController],
  providers: [SessionsService, SessionLifecycle, SessionProjection, SessionChanges, SessionListIndex, SessionShares],
  exports: [SessionsService, SessionLifecycle, SessionChanges, SessionShares],
})
export class SessionsModule {}
