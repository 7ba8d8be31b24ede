import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/roles.decorator.js';
import { CreateTemplateDto, ListTemplatesQuery, UpdateTemplateDto } from './template.dto.js';
import { TemplatesService } from './templates.service.js';
import { Audited, byBodyField } from '../common/audit.decorator.js';

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Roles('user')
  @ApiOperation({ summary: 'Templates, filtered and sorted' })
  list(@Query() query: ListTemplatesQuery) {
    return this.templates.list(query);
  }

  @Get(':id')
  @Roles('user')
  @ApiOperation({ summary: 'One Template by name' })
  get(@Param('id') id: string) {
    return this.templates.get(id);
  }

  @Post()
  @Audited('template.create', 'Template', byBodyField('name'))
  @Roles('operator')
  @ApiOperation({ summary: 'Create a Template' })
  create(@Body() body: CreateTemplateDto) {
    return this.templates.create(body);
  }

  @Patch(':id')
  @Audited('template.update', 'Template')
  @Roles('operator')
  @ApiOperation({
    summary: 'Change a Template: given fields replace, null removes (not for application-managed Templates)',
  })
  async update(@Param('id') id: string, @Body() body: UpdateTemplateDto) {
    return { message: 'Template updated successfully', template: await this.templates.update(id, body) };
  }

  @Delete(':id')
  @Audited('template.delete', 'Template')
  @Roles('operator')
  @ApiOperation({ summary: 'Delete a Template (not application-managed ones); running sessions keep running' })
  async delete(@Param('id') id: string) {
    await this.templates.delete(id);
    return { message: 'Template deleted' };
  }
}
