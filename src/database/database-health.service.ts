import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTimeout } from '../common/with-timeout.js';

export interface DatabaseCheck {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class DatabaseHealthService {
  constructor(private readonly dataSource: DataSource) {}

  /** api-contract §3.13: `SELECT 1` within 2 s. */
  async check(): Promise<DatabaseCheck> {
    const started = performance.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), CHECK_TIMEOUT_MS);
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return {
        status: 'down',
        latencyMs: Math.round(performance.now() - started),
        error: (error as Error).message.replace(/postgres(ql)?:\/\/\S+/g, '<database>'),
      };
    }
  }
}
