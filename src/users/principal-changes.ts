import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ChangeNotifications } from '../database/change-notifications.js';

/** Which principals a write changed: every token of a user, or one token. */
export type PrincipalChange = { userId: string } | { tokenId: string };

const CHANNEL = 'streamspace_principal';

/**
 * Writes that change what a token stands for (logout, refresh, role, active, password, deletion)
 * announce it here, in their transaction, so that every replica's principal cache drops it.
 */
@Injectable()
export class PrincipalChanges {
  constructor(private readonly changes: ChangeNotifications) {}

  /** Whether an announcement from any replica reaches this one now (caching is safe). */
  get listening(): boolean {
    return this.changes.listening;
  }

  announce(manager: EntityManager, change: PrincipalChange): Promise<void> {
    return this.changes.send(manager, CHANNEL, JSON.stringify(change));
  }

  /** `handler` with each change, or with `undefined` when changes may have been missed. */
  subscribe(handler: (change: PrincipalChange | undefined) => void): () => void {
    const stops = [
      this.changes.subscribe(CHANNEL, (payload) => handler(JSON.parse(payload) as PrincipalChange)),
      this.changes.onReset(() => handler(undefined)),
    ];
    return () => stops.forEach((stop) => stop());
  }
}
