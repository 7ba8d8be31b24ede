import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ActivityRecorder } from './activity-recorder.js';
import { ActivityController } from './activity.controller.js';
import { ActivityService } from './activity.service.js';
import { Hibernator } from './hibernator.js';
import { IdleMonitor } from './idle-monitor.js';

/** Heartbeats, activity status and the idle monitor (§3.4, §6.3, §6.5). */
@Module({
  imports: [SessionsModule],
  controllers: [ActivityController],
  providers: [ActivityRecorder, ActivityService, Hibernator, IdleMonitor],
  exports: [ActivityRecorder, Hibernator],
})
export class ActivityModule {}
