import { Module } from '@nestjs/common';
import { ClusterController } from './cluster.controller.js';
import { ClusterListsService } from './cluster-lists.service.js';
import { ClusterResourcesService } from './cluster-resources.service.js';
import { PodLogsService } from './pod-logs.service.js';

/** Cluster browsing, generic resources and pod logs (§3.9). PodLogsService serves the logs WebSocket too. */
@Module({
  controllers: [ClusterController],
  providers: [ClusterListsService, ClusterResourcesService, PodLogsService],
  exports: [PodLogsService],
})
export class ClusterModule {}
