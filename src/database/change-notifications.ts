import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { AppConfig, type DatabaseConfig } from '../config/app-config.js';
import { pgClientConfig } from './database.options.js';

/** Channels of changes that replicas keep in memory; PostgreSQL channel names (identifiers). */
export type ChangeChannel = 'streamspace_principal';

const RECONNECT_MS = 1_000;

/**
 * Tells every replica, this one included, about a change that in-memory caches must drop. `send`
 * runs `pg_notify` in the writer's transaction, so the others hear of it exactly when it commits
 * (never of a rolled-back write). This replica hears it at once as well: its own caches drop the
 * entry before the write returns, and again when the notification comes back after the commit
 * (which undoes a refill that read the old row in between).
 *
 * While the listening connection is down, changes of other replicas may be missed: `listening` is
 * false, reset handlers have run, and caches must not serve until it is true again. Embedded PGlite
 * serves one process only, so local delivery is all there is.
 */
@Injectable()
export class ChangeNotifications implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeNotifications.name);
  private readonly handlers = new Map<ChangeChannel, Set<(payload: string) => void>>();
  private readonly resetHandlers = new Set<() => void>();
  private readonly database: DatabaseConfig;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private connected = false;

  constructor(config: AppConfig) {
    this.database = config.database;
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
    if (this.database.kind === 'postgres') await manager.query('SELECT pg_notify($1, $2)', [channel, payload]);
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

  /** A connection of its own, outside the pool: LISTEN belongs to the connection. */
  private async listen(): Promise<void> {
    if (this.database.kind !== 'postgres' || this.stopped) return;
    const client = new pg.Client(pgClientConfig(this.database));
    this.client = client;
    client.on('notification', (message) => this.deliver(message.channel, message.payload ?? ''));
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
