import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { checkDependency, type DependencyCheck, redactConnectionStrings } from '../common/dependency-check.js';

@Injectable()
export class DatabaseHealthService {
  constructor(private readonly dataSource: DataSource) {}

  /** api-contract §3.13: `SELECT 1`. */
  check(): Promise<DependencyCheck> {
    return checkDependency(
      () => this.dataSource.query('SELECT 1'),
      (error) => redactConnectionStrings((error as Error).message),
    );
  }
}
