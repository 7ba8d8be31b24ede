import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClusterController } from './cluster.controller.js';
import { LogFollowSettings } from './log-follow-settings.js';
import { ClusterListsService } from './cluster-lists.service.js';
import { ClusterResourcesService } from './cluster-resources.service.js';
import { PodLogsService } from './pod-logs.service.js';

/** Cluster browsing, generic resources and pod logs (§3.9). PodLogsService serves the logs WebSocket too. */
@Module({
  imports: [AuthModule],
  controllers: [ClusterController],
  providers: [ClusterListsService, ClusterResourcesService, PodLogsService, LogFollowSettings],
  exports: [PodLogsService],
})
export class ClusterModule {}
