import { readFile } from 'node:fs/promises';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { BUNDLED_CATALOG_FILE, CatalogFileError, parseCatalogFile } from './catalog-file.js';
import { CatalogRepository } from './catalog.repository.js';

/**
 * Seeds `catalog_templates` from the catalog file at every start (api-contract §3.6). A missing
 * or malformed file throws, which stops the start with the file's problem as the message.
 */
@Injectable()
export class CatalogSeeder implements OnModuleInit {
  private readonly logger = new Logger(CatalogSeeder.name);

  constructor(
    private readonly config: AppConfig,
    private readonly catalog: CatalogRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    const file = this.config.catalogFile ?? BUNDLED_CATALOG_FILE;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CatalogFileError(file, `cannot be read (${(error as Error).message})`);
    }
    const entries = await parseCatalogFile(text, file);
    const { upserted, deactivated } = await this.catalog.seed(entries);
    this.logger.log(
      `Catalog seeded from ${file}: ${entries.length} entries (${upserted} new or changed, ${deactivated} dropped)`,
    );
  }
}
