import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../common/roles.decorator.js';
import { ClusterListsService } from './cluster-lists.service.js';
import { ClusterResourcesService } from './cluster-resources.service.js';
import { LabelSelectorQuery, NamespacedListQuery, NamespaceQuery, PodLogQuery } from './cluster.dto.js';
import { streamPodLog } from './pod-log-stream.js';
import { PodLogsService } from './pod-logs.service.js';

/** Set (to the limit in bytes) when a log read was cut at `limitBytes`. */
const LOG_CUT_HEADER = 'X-Log-Truncated-At';
const logCutNotice = (limitBytes: number) =>
  `[log cut at ${limitBytes} bytes; ask for fewer tailLines or a shorter sinceSeconds]`;

const RAW_OBJECT = { schema: { type: 'object', additionalProperties: true } };

/** Cluster browsing, generic resources and pod logs (api-contract §3.9). */
@ApiTags('cluster')
@Controller('cluster')
export class ClusterController {
  constructor(
    private readonly lists: ClusterListsService,
    private readonly resources: ClusterResourcesService,
    private readonly logs: PodLogsService,
  ) {}

  @Get('nodes')
  @Roles('operator')
  @ApiOperation({ summary: 'NodeList as Kubernetes sent it (without managedFields)' })
  nodes(@Query() query: LabelSelectorQuery) {
    return this.lists.nodes(query.labelSelector);
  }

  @Get('namespaces')
  @Roles('operator')
  @ApiOperation({ summary: 'NamespaceList as Kubernetes sent it (without managedFields)' })
  namespaces(@Query() query: LabelSelectorQuery) {
    return this.lists.namespaces(query.labelSelector);
  }

  @Get('pods')
  @Roles('operator')
  @ApiOperation({ summary: 'PodList of one namespace (default NAMESPACE)' })
  pods(@Query() query: NamespacedListQuery) {
    return this.lists.namespaced('pods', query.namespace, query.labelSelector);
  }

  @Get('deployments')
  @Roles('operator')
  @ApiOperation({ summary: 'DeploymentList of one namespace (default NAMESPACE)' })
  deployments(@Query() query: NamespacedListQuery) {
    return this.lists.namespaced('deployments', query.namespace, query.labelSelector);
  }

  @Get('services')
  @Roles('operator')
  @ApiOperation({ summary: 'ServiceList of one namespace (default NAMESPACE)' })
  services(@Query() query: NamespacedListQuery) {
    return this.lists.namespaced('services', query.namespace, query.labelSelector);
  }

  @Get('pods/:namespace/:name/logs')
  @Roles('operator')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: "A pod's log as text; follow=true streams it until the client goes away" })
  async podLogs(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query() query: PodLogQuery,
    @Res() response: Response,
  ): Promise<void> {
    const { follow, ...request } = query;
    if (follow) return streamPodLog(this.logs, { namespace, name }, request, response);
    const log = await this.logs.read(namespace, name, request);
    response.status(200).setHeader('Content-Type', 'text/plain; charset=utf-8');
    if (log.cut) response.setHeader(LOG_CUT_HEADER, String(log.limitBytes));
    response.send(log.cut ? `${log.text}\n${logCutNotice(log.limitBytes)}\n` : log.text);
  }

  @Post('resources')
  @Roles('operator')
  @ApiOperation({ summary: 'Create an object of an allowed kind in a write namespace' })
  @ApiBody(RAW_OBJECT)
  create(@Body() body: Record<string, unknown>, @Query() query: NamespaceQuery) {
    return this.resources.create(body, query.namespace);
  }

  @Get('resources/:kind/:name')
  @Roles('operator')
  @ApiOperation({ summary: 'Read an object of an allowed kind (any namespace)' })
  get(@Param('kind') kind: string, @Param('name') name: string, @Query() query: NamespaceQuery) {
    return this.resources.get(kind, name, query.namespace);
  }

  @Put('resources/:kind/:name')
  @Roles('operator')
  @ApiOperation({ summary: 'Replace an object (without metadata.resourceVersion the last write wins)' })
  @ApiBody(RAW_OBJECT)
  replace(
    @Param('kind') kind: string,
    @Param('name') name: string,
    @Query() query: NamespaceQuery,
    @Body() body: Record<string, unknown>,
  ) {
    return this.resources.replace(kind, name, query.namespace, body);
  }

  @Patch('resources/:kind/:name')
  @Roles('operator')
  @ApiOperation({ summary: 'JSON merge patch, checked against the policy before it is written' })
  @ApiBody(RAW_OBJECT)
  patch(
    @Param('kind') kind: string,
    @Param('name') name: string,
    @Query() query: NamespaceQuery,
    @Body() body: Record<string, unknown>,
  ) {
    return this.resources.patch(kind, name, query.namespace, body);
  }

  @Delete('resources/:kind/:name')
  @Roles('operator')
  @ApiOperation({ summary: 'Delete an object of an allowed kind in a write namespace' })
  delete(@Param('kind') kind: string, @Param('name') name: string, @Query() query: NamespaceQuery) {
    return this.resources.delete(kind, name, query.namespace);
  }
}
