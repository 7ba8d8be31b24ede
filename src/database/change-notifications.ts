import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { AppConfig, type DatabaseConfig } from '../config/app-config.js';
import { pgClientConfig } from './database.options.js';

/** Channels of changes that replicas keep in memory; PostgreSQL channel names (identifiers). */
export type ChangeChannel = 'streamspace_principal';

const RECONNECT_MS = 1_000;
/** How long a committed write waits at most for its own notification to come back. */
const ECHO_TIMEOUT_MS = 2_000;

/**
 * Tells every replica, this one included, about a change that in-memory caches must drop. `send`
 * runs `pg_notify` in the writer's transaction, so the others hear of it exactly when it commits
 * (never of a rolled-back write). This replica hears it at once as well: its own caches drop the
 * entry before the write returns, and again when the notification comes back after the commit
 * (which undoes a refill that read the old row in between).
 *
 * The writing transaction returns only once its notifications have come back to this replica's
 * listener (or after ECHO_TIMEOUT_MS): PostgreSQL queues a notification for every listener at
 * commit, so by then the other replicas have it too, and the writer's answer cannot overtake it
 * (a client that logs out here and calls another replica next is refused there, §2.2).
 *
 * While the listening connection is down, changes of other replicas may be missed: `listening` is
 * false, reset handlers have run, and caches must not serve until it is true again. Embedded PGlite
 * serves one process only, so local delivery is all there is.
 */
@Injectable()
export class ChangeNotifications implements OnApplicationBootstrap, OnApplicationShutdown, EntitySubscriberInterface {
  private readonly logger = new Logger(ChangeNotifications.name);
  private readonly handlers = new Map<ChangeChannel, Set<(payload: string) => void>>();
  private readonly resetHandlers = new Set<() => void>();
  private readonly database: DatabaseConfig;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private connected = false;
  /** Echoes still to come back of the notifications sent by each open transaction. */
  private readonly unconfirmed = new WeakMap<QueryRunner, Map<string, Promise<void>>>();
  /** Confirms an echo by id when it comes back (registered before the commit: it may come first). */
  private readonly echoes = new Map<string, () => void>();

  constructor(config: AppConfig, @InjectDataSource() dataSource: DataSource) {
    this.database = config.database;
    // TypeORM calls afterTransactionCommit of every registered subscriber and awaits it.
    dataSource.subscribers.push(this);
  }

  /** Whether every change, including other replicas', reaches this replica now. */
  get listening(): boolean {
    return this.database.kind === 'pglite' || this.connected;
  }

  subscribe(channel: ChangeChannel, handler: (payload: string) => void): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.connected) this.client?.query(`LISTEN ${channel}`).catch((error: unknown) => this.lost(error));
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Called whenever changes may have been missed (the listening connection dropped). */
  onReset(handler: () => void): () => void {
    this.resetHandlers.add(handler);
    return () => this.resetHandlers.delete(handler);
  }

  /** Announces a change, in `manager`'s transaction. */
  async send(manager: EntityManager, channel: ChangeChannel, payload: string): Promise<void> {
    this.deliver(channel, payload);
    if (this.database.kind !== 'postgres') return;
    const echoId = randomUUID();
    const { queryRunner } = manager;
    if (queryRunner?.isTransactionActive && this.connected) {
      const echoes = this.unconfirmed.get(queryRunner) ?? new Map<string, Promise<void>>();
      echoes.set(echoId, new Promise<void>((resolve) => this.echoes.set(echoId, resolve)));
      this.unconfirmed.set(queryRunner, echoes);
    }
    await manager.query('SELECT pg_notify($1, $2)', [channel, `${echoId} ${payload}`]);
  }

  /** Holds the committed write's answer until its notifications are back (see the class comment). */
  async afterTransactionCommit({ queryRunner }: { queryRunner: QueryRunner }): Promise<void> {
    const echoes = this.unconfirmed.get(queryRunner);
    if (!echoes || queryRunner.isTransactionActive) return; // a savepoint: the outer commit waits
    this.unconfirmed.delete(queryRunner);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, ECHO_TIMEOUT_MS, 'timeout')));
    const outcome = await Promise.race([Promise.all(echoes.values()), timeout]);
    clearTimeout(timer);
    for (const echoId of echoes.keys()) this.echoes.delete(echoId);
    if (outcome === 'timeout') this.logger.warn(`Change notifications did not come back within ${ECHO_TIMEOUT_MS} ms`);
  }

  afterTransactionRollback({ queryRunner }: { queryRunner: QueryRunner }): void {
    if (queryRunner.isTransactionActive) return;
    for (const echoId of this.unconfirmed.get(queryRunner)?.keys() ?? []) this.echoes.delete(echoId);
    this.unconfirmed.delete(queryRunner);
  }

  onApplicationBootstrap(): void {
    void this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.client?.end().catch(() => undefined);
  }

  private deliver(channel: string, payload: string): void {
    for (const handler of this.handlers.get(channel as ChangeChannel) ?? []) handler(payload);
  }

  /** A notification from any replica: `<echo id> <payload>`. */
  private received(channel: string, message: string): void {
    const space = message.indexOf(' ');
    const echoId = message.slice(0, space);
    this.deliver(channel, message.slice(space + 1));
    this.echoes.get(echoId)?.();
  }

  /** A connection of its own, outside the pool: LISTEN belongs to the connection. */
  private async listen(): Promise<void> {
    if (this.database.kind !== 'postgres' || this.stopped) return;
    const client = new pg.Client(pgClientConfig(this.database));
    this.client = client;
    client.on('notification', (message) => this.received(message.channel, message.payload ?? ''));
    client.on('error', (error) => this.lost(error, client));
    client.on('end', () => this.lost(new Error('connection ended'), client));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      // Anything cached before now may have missed a change: start from empty.
      this.reset();
      this.connected = true;
    } catch (error) {
      this.lost(error, client);
    }
  }

  private lost(error: unknown, client = this.client): void {
    if (this.stopped || client !== this.client) return;
    if (this.connected) this.logger.warn(`Change notifications interrupted: ${(error as Error).message}`);
    this.connected = false;
    this.client = undefined;
    this.reset();
    client?.end().catch(() => undefined);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.listen(), RECONNECT_MS);
  }

  private reset(): void {
    for (const handler of this.resetHandlers) handler();
  }
}
