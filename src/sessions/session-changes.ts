import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SessionCache } from '../kubernetes/custom-resource.cache.js';

/** `owner` = the username whose sessions changed. */
export type SessionChangeListener = (owner: string) => void;

/**
 * "Something about this user's sessions changed" on this replica (api-contract §8.3): every
 * Session watch event, plus the database-only changes (connect, disconnect, heartbeat re-open)
 * that the watch does not see. The sessions WebSocket listens to push fresh snapshots.
 */
@Injectable()
export class SessionChanges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listeners = new Set<SessionChangeListener>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly cache: SessionCache) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.cache.subscribe(({ object }) => this.notify(object.spec.user));
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  notify(owner: string): void {
    for (const listener of this.listeners) listener(owner);
  }

  subscribe(listener: SessionChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
