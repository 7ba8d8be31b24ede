import { Module } from '@nestjs/common';
import { NodeDrainService } from './node-drain.service.js';
import { NodesController } from './nodes.controller.js';
import { NodesService } from './nodes.service.js';

/** Node administration (§3.8). */
@Module({
  controllers: [NodesController],
  providers: [NodesService, NodeDrainService],
  exports: [NodesService],
})
export class NodesModule {}
