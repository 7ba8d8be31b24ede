import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { K8sService } from '../kubernetes/k8s.service.js';

/** Template usageCount (§4.7): sessions ever created from a Template, deleted ones included. */
@Injectable()
export class TemplateUsageRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly k8s: K8sService,
  ) {}

  /** Counts for many Templates in one query; a Template without sessions is absent (0). */
  async countByTemplate(templateNames: string[]): Promise<Map<string, number>> {
    if (templateNames.length === 0) return new Map();
    const rows = await this.db.query<{ template_name: string; count: number }[]>(
      `SELECT template_name, count(*)::int AS count FROM sessions
        WHERE namespace = $1 AND template_name = ANY($2::text[])
        GROUP BY template_name`,
      [this.k8s.namespace, templateNames],
    );
    return new Map(rows.map((row) => [row.template_name, row.count]));
  }
}
