import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { SessionSharingController, SharingController } from './sharing.controller.js';
import { SharingService } from './sharing.service.js';

/** Session sharing, invitations, collaborators and "Shared with Me" (api-contract §3.17). */
@Module({
  imports: [SessionsModule, UsersModule, ActivityModule],
  controllers: [SessionSharingController, SharingController],
  providers: [SharingService],
})
export class SharingModule {}
