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
/** How long a committed write waits at most for every replica to confirm its changes. */
const CONFIRM_TIMEOUT_MS = 2_000;
/** Replicas confirm each change they heard here, and name their listening connections so. */
const ACK_CHANNEL = 'streamspace_ack';
const LISTENER_NAME = 'streamspace-changes';

/** A change sent by this replica, waiting for the acknowledgements of all replicas. */
interface Unconfirmed {
  acks: number;
  expected: number;
  done: Promise<void>;
  resolve: () => void;
}

/**
 * Tells every replica, this one included, about a change that in-memory caches must drop. `send`
 * runs `pg_notify` in the writer's transaction, so the others hear of it exactly when it commits
 * (never of a rolled-back write). This replica hears it at once as well: its own caches drop the
 * entry before the write returns, and again when the notification comes back after the commit
 * (which undoes a refill that read the old row in between).
 *
 * The writing transaction returns only once every replica has confirmed the change (or after
 * CONFIRM_TIMEOUT_MS): each replica answers a notification, after its caches dropped the entry, with
 * an acknowledgement on ACK_CHANNEL, and the writer waits for as many as there are listening
 * connections (pg_stat_activity, by application_name). So the writer's answer cannot overtake the
 * change: a client that logs out here and calls another replica next is refused there (§2.2).
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
  /** The changes each open transaction sent, by change id. */
  private readonly sentBy = new WeakMap<QueryRunner, string[]>();
  private readonly unconfirmed = new Map<string, Unconfirmed>();

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
    const changeId = randomUUID();
    const { queryRunner } = manager;
    if (queryRunner?.isTransactionActive && this.connected) {
      let resolve = () => {};
      const done = new Promise<void>((settle) => (resolve = settle));
      this.unconfirmed.set(changeId, { acks: 0, expected: Infinity, done, resolve });
      this.sentBy.set(queryRunner, [...(this.sentBy.get(queryRunner) ?? []), changeId]);
    }
    await manager.query('SELECT pg_notify($1, $2)', [channel, `${changeId} ${payload}`]);
  }

  /** Holds the committed write's answer until every replica confirmed its changes (class comment). */
  async afterTransactionCommit({ queryRunner }: { queryRunner: QueryRunner }): Promise<void> {
    const changeIds = this.sentBy.get(queryRunner);
    if (!changeIds || queryRunner.isTransactionActive) return; // a savepoint: the outer commit waits
    this.sentBy.delete(queryRunner);
    let timer: NodeJS.Timeout | undefined;
    try {
      const [{ replicas }] = (await queryRunner.query(
        `SELECT count(*)::int AS replicas FROM pg_stat_activity
          WHERE application_name = $1 AND datname = current_database()`,
        [LISTENER_NAME],
      )) as { replicas: number }[];
      const pending = changeIds.flatMap((changeId) => {
        const change = this.unconfirmed.get(changeId);
        if (!change) return [];
        change.expected = replicas;
        if (change.acks >= replicas) change.resolve();
        return [change.done];
      });
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, CONFIRM_TIMEOUT_MS, 'timeout')));
      if ((await Promise.race([Promise.all(pending), timeout])) === 'timeout')
        this.logger.warn(`Not every replica confirmed a change within ${CONFIRM_TIMEOUT_MS} ms`);
    } finally {
      clearTimeout(timer);
      for (const changeId of changeIds) this.unconfirmed.delete(changeId);
    }
  }

  afterTransactionRollback({ queryRunner }: { queryRunner: QueryRunner }): void {
    if (queryRunner.isTransactionActive) return;
    for (const changeId of this.sentBy.get(queryRunner) ?? []) this.unconfirmed.delete(changeId);
    this.sentBy.delete(queryRunner);
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

  /** A change from any replica (`<change id> <payload>`), or a replica's acknowledgement of one. */
  private received(client: pg.Client, channel: string, message: string): void {
    if (channel === ACK_CHANNEL) {
      const change = this.unconfirmed.get(message);
      if (change && ++change.acks >= change.expected) change.resolve();
      return;
    }
    const space = message.indexOf(' ');
    this.deliver(channel, message.slice(space + 1));
    client
      .query('SELECT pg_notify($1, $2)', [ACK_CHANNEL, message.slice(0, space)])
      .catch((error: unknown) => this.lost(error, client));
  }

  /** A connection of its own, outside the pool: LISTEN belongs to the connection. */
  private async listen(): Promise<void> {
    if (this.database.kind !== 'postgres' || this.stopped) return;
    const client = new pg.Client({ ...pgClientConfig(this.database), application_name: LISTENER_NAME });
    this.client = client;
    client.on('notification', (message) => this.received(client, message.channel, message.payload ?? ''));
    client.on('error', (error) => this.lost(error, client));
    client.on('end', () => this.lost(new Error('connection ended'), client));
    try {
      await client.connect();
      for (const channel of [ACK_CHANNEL, ...this.handlers.keys()]) await client.query(`LISTEN ${channel}`);
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
