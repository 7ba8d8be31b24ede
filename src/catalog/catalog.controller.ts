import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/roles.decorator.js';
import { ApiError } from '../common/api-error.js';
import { ListCatalogQuery } from './catalog.dto.js';
import { CatalogService, parseCatalogId } from './catalog.service.js';
import { Audited, byQuery } from '../common/audit.decorator.js';

/** The template catalog (§3.6). */
@ApiTags('catalog')
@Controller('catalog')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('templates')
  @Roles('user')
  @ApiOperation({
    summary: 'Active catalog entries: search, category, tag, appType, featured, six sorts, paging (limit ≤ 100)',
  })
  list(@Query() query: ListCatalogQuery) {
    return this.catalog.list(query);
  }

  @Get('templates/:id')
  @Roles('user')
  @ApiOperation({ summary: 'One catalog entry with its manifest; counts a view' })
  @ApiParam({ name: 'id', type: Number })
  get(@Param('id') id: string) {
    return this.catalog.get(parseCatalogId(id));
  }

  @Post('templates/:id/install')
  @Audited('catalog.install', 'CatalogTemplate')
  @Roles('operator')
  @ApiOperation({ summary: 'Create a plain Template named after the entry (no application)' })
  @ApiParam({ name: 'id', type: Number })
  install(@Param('id') id: string) {
    return this.catalog.installAsTemplate(parseCatalogId(id));
  }

  @Post('install')
  @Audited('catalog.install', 'CatalogTemplate', byQuery('id'))
  @Roles('operator')
  @ApiOperation({ summary: 'Compatibility alias of POST /catalog/templates/:id/install' })
  @ApiQuery({ name: 'id', type: Number, required: true })
  installAlias(@Query('id') id: string | undefined) {
    if (id === undefined || id === '')
      throw new ApiError(400, 'id query parameter required', 'Pass ?id=<catalog template id>');
    return this.catalog.installAsTemplate(parseCatalogId(id));
  }
}
