import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/roles.decorator.js';
import { keyFromPath, parseLabel, parseTaint } from './node-changes.js';
import { NodeDrainService } from './node-drain.service.js';
import { DrainNodeDto, LabelBodyDoc, RemoveTaintQuery, TaintBodyDoc } from './node.dto.js';
import { NodesService } from './nodes.service.js';
import { Audited, byParam } from '../common/audit.decorator.js';

const DEFAULT_DRAIN_TIMEOUT_SECONDS = 60;

/** Node administration (api-contract §3.8). Static paths come before `:name` (§3.14). */
@ApiTags('nodes')
@Controller('admin/nodes')
export class NodesController {
  constructor(
    private readonly nodes: NodesService,
    private readonly drainer: NodeDrainService,
  ) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Every node as NodeInfo, by name (a bare array)' })
  list() {
    return this.nodes.list();
  }

  @Get('stats')
  @Roles('admin')
  @ApiOperation({ summary: 'Cluster totals: nodes, capacity, allocatable, requested' })
  stats() {
    return this.nodes.stats();
  }

  @Get(':name')
  @Roles('admin')
  @ApiOperation({ summary: 'One node as NodeInfo' })
  get(@Param('name') name: string) {
    return this.nodes.get(name);
  }

  @Put(':name/labels')
  @Audited('node.labels.update', 'Node', byParam('name'))
  @Roles('admin')
  @ApiOperation({ summary: 'Add or overwrite a label' })
  @ApiBody({ type: LabelBodyDoc })
  async addLabel(@Param('name') name: string, @Body() body: Record<string, unknown>) {
    await this.nodes.addLabel(name, parseLabel(body));
    return { message: 'Label added successfully' };
  }

  @Delete(':name/labels/*key')
  @Audited('node.labels.delete', 'Node', byParam('name'))
  @Roles('admin')
  @ApiOperation({ summary: 'Remove a label; the key is the rest of the path and may contain /' })
  async removeLabel(@Param('name') name: string, @Param('key') key: string[]) {
    await this.nodes.removeLabel(name, keyFromPath(key));
    return { message: 'Label removed successfully' };
  }

  @Post(':name/taints')
  @Audited('node.taints.add', 'Node', byParam('name'))
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Append a taint (existing taints are kept)' })
  @ApiBody({ type: TaintBodyDoc })
  async addTaint(@Param('name') name: string, @Body() body: Record<string, unknown>) {
    await this.nodes.addTaint(name, parseTaint(body));
    return { message: 'Taint added successfully' };
  }

  @Delete(':name/taints/*key')
  @Audited('node.taints.delete', 'Node', byParam('name'))
  @Roles('admin')
  @ApiOperation({ summary: 'Remove taints by key (and effect); removing the unschedulable taint uncordons' })
  async removeTaint(@Param('name') name: string, @Param('key') key: string[], @Query() query: RemoveTaintQuery) {
    await this.nodes.removeTaint(name, keyFromPath(key), query.effect);
    return { message: 'Taint removed successfully' };
  }

  @Post(':name/cordon')
  @Audited('node.cordon', 'Node', byParam('name'))
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the node unschedulable' })
  async cordon(@Param('name') name: string) {
    await this.nodes.cordon(name);
    return { message: 'Node cordoned successfully' };
  }

  @Post(':name/uncordon')
  @Audited('node.uncordon', 'Node', byParam('name'))
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the node schedulable and remove the unschedulable taint' })
  async uncordon(@Param('name') name: string) {
    await this.nodes.uncordon(name);
    return { message: 'Node uncordoned successfully' };
  }

  @Post(':name/drain')
  @Audited('node.drain', 'Node', byParam('name'))
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cordon and evict every pod but mirror and DaemonSet pods (409 when some could not be evicted in time)',
  })
  drain(@Param('name') name: string, @Body() body: DrainNodeDto) {
    return this.drainer.drain(name, {
      gracePeriodSeconds: body.grace_period_seconds ?? body.gracePeriodSeconds,
      timeoutSeconds: body.timeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS,
    });
  }
}
