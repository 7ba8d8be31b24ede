import { Module } from '@nestjs/common';

/** The template catalog (api-contract §3.6), seeded from CATALOG_FILE. */
@Module({})
export class CatalogModule {}
