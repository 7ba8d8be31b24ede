import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { SessionChanges } from '../sessions/session-changes.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import type { Principal } from '../common/principal.js';
import { CLOSE, type ManagedSocket, serialized } from './managed-socket.js';
import type { WebSocketContext, WebSocketEndpoint } from './websocket-endpoint.js';

export const SESSIONS_DEBOUNCE_MS = 500;
export const SESSIONS_REFRESH_MS = 5_000;
const ALL = '*';

interface Watcher {
  socket: ManagedSocket;
  /** `?user=` as the client asked, re-applied to the caller's current role at every ping. */
  requested: string | undefined;
  /** The owner whose sessions it sees, or ALL. */
  scope: string;
  pending: NodeJS.Timeout | undefined;
}

/**
 * `/api/v1/ws/sessions` (api-contract §8.3): a snapshot at connect, after every change to the
 * sessions it may see (debounced per socket), and every 5 s. A snapshot is computed once per
 * scope and moment and the same serialised frame goes to every socket of that scope, so many
 * sockets of one user cost one cache read and one query.
 */
@Injectable()
export class SessionsEndpoint implements WebSocketEndpoint, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = 'sessions';
  readonly path = /^\/api\/v1\/ws\/sessions\/?$/;
  readonly role = 'user' as const;

  private readonly watchers = new Map<ManagedSocket, Watcher>();
  /** In-flight or fresh snapshots by scope; dropped when anything in that scope changes. */
  private readonly snapshots = new Map<string, { at: number; frame: Promise<{ serialized: string }> }>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly sessions: SessionsService,
    private readonly changes: SessionChanges,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.changes.subscribe((owner) => {
      this.snapshots.delete(owner);
      this.snapshots.delete(ALL);
      for (const watcher of this.watchers.values())
        if (watcher.scope === owner || watcher.scope === ALL) this.schedule(watcher);
    });
    this.timer = setInterval(() => this.refreshAll(), SESSIONS_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** `?user=` follows §2.3: a user may name only themself; refused before the upgrade. */
  prepare({ principal, query }: WebSocketContext): void {
    this.users.listFilterFor(principal, query.get('user') ?? undefined);
  }

  async open(socket: ManagedSocket, { principal, query }: WebSocketContext): Promise<void> {
    const requested = query.get('user') ?? undefined;
    const watcher: Watcher = { socket, requested, scope: this.scopeOf(principal, requested), pending: undefined };
    this.watchers.set(socket, watcher);
    socket.onClose(() => {
      clearTimeout(watcher.pending);
      this.watchers.delete(socket);
    });
    await this.push(watcher);
  }

  /**
   * A demoted operator's socket narrows to their own sessions at the next ping (a promoted user's
   * widens); one that named another user with `?user=` is closed with 1008, as a new upgrade would be refused.
   */
  revalidate(socket: ManagedSocket, principal: Principal): void {
    const watcher = this.watchers.get(socket);
    if (!watcher) return;
    let scope: string;
    try {
      scope = this.scopeOf(principal, watcher.requested);
    } catch {
      socket.close(CLOSE.policy, 'insufficient permissions');
      return;
    }
    if (scope === watcher.scope) return;
    watcher.scope = scope;
    void this.push(watcher);
  }

  private scopeOf(principal: Principal, requested: string | undefined): string {
    return this.users.listFilterFor(principal, requested) ?? ALL;
  }

  /** At most one push per socket per debounce window. */
  private schedule(watcher: Watcher): void {
    watcher.pending ??= setTimeout(() => {
      watcher.pending = undefined;
      void this.push(watcher);
    }, SESSIONS_DEBOUNCE_MS);
  }

  private refreshAll(): void {
    this.snapshots.clear();
    for (const watcher of this.watchers.values()) void this.push(watcher);
  }

  private async push(watcher: Watcher): Promise<void> {
    try {
      watcher.socket.send(await this.snapshot(watcher.scope));
    } catch {
      // A snapshot that cannot be built now is skipped; the next change or refresh tries again.
    }
  }

  private snapshot(scope: string): Promise<{ serialized: string }> {
    const cached = this.snapshots.get(scope);
    const now = this.clock.now().getTime();
    if (cached && now - cached.at < SESSIONS_DEBOUNCE_MS) return cached.frame;
    const frame = this.sessions.listOf(scope === ALL ? undefined : scope).then((sessions) =>
      serialized({
        type: 'sessions_update',
        sessions,
        count: sessions.length,
        timestamp: this.clock.now().toISOString(),
      }),
    );
    this.snapshots.set(scope, { at: now, frame });
    frame.catch(() => this.snapshots.delete(scope));
    return frame;
  }
}
