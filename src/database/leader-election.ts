import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';

const LOCK_SQL_ARGS = ['streamspace', 'leader'];
export const LEADER_RETRY_MS = 15_000;

/**
 * One leader among the replicas (api-contract §5.9): the one holding the session-level advisory
 * lock on a dedicated connection. Others retry every 15 s; a leader that loses its connection
 * loses leadership. Reconcilers and the sessions projection act only while `isLeader`.
 */
@Injectable()
export class LeaderElection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LeaderElection.name);
  private readonly listeners = new Set<(leader: boolean) => void>();
  private runner: QueryRunner | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private leader = false;
  /** Exposed for tests, which use a shorter period. */
  retryMs = LEADER_RETRY_MS;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /** Called with the new value whenever leadership is gained or lost. */
  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplicationBootstrap(): void {
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.runner && this.leader) {
      await this.runner
        .query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', LOCK_SQL_ARGS)
        .catch(() => undefined);
    }
    this.setLeader(false);
    await this.releaseRunner();
  }

  /** Try to acquire while a follower; prove the connection is alive while the leader. */
  private async tick(): Promise<void> {
    try {
      if (this.leader) await this.runner!.query('SELECT 1');
      else {
        this.runner ??= this.db.createQueryRunner();
        await this.runner.connect();
        const [row] = (await this.runner.query(
          'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS acquired',
          LOCK_SQL_ARGS,
        )) as {
          acquired: boolean;
        }[];
        this.setLeader(row.acquired);
      }
    } catch (error) {
      if (this.leader) this.logger.warn(`Lost leadership: ${(error as Error).message}`);
      this.setLeader(false);
      await this.releaseRunner();
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.retryMs);
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.logger.log(leader ? 'This replica is now the leader' : 'This replica is no longer the leader');
    for (const listener of this.listeners) listener(leader);
  }

  private async releaseRunner(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.release().catch(() => undefined);
  }
}
