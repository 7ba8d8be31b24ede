import { Module } from '@nestjs/common';
import { TemplatesModule } from '../templates/templates.module.js';
import { CatalogController } from './catalog.controller.js';
import { CatalogRepository } from './catalog.repository.js';
import { CatalogSeeder } from './catalog-seeder.js';
import { CatalogService } from './catalog.service.js';

/** The template catalog (api-contract §3.6), seeded from CATALOG_FILE at every start. */
@Module({
  imports: [TemplatesModule],
  controllers: [CatalogController],
  providers: [CatalogRepository, CatalogSeeder, CatalogService],
  exports: [CatalogRepository],
})
export class CatalogModule {}
