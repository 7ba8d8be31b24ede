import type { WebSocket } from 'ws';
import type { Principal } from '../common/principal.js';

export const CLOSE = { normal: 1000, goingAway: 1001, policy: 1008, internal: 1011, overloaded: 1013 } as const;

/** The part of `ws` a managed socket uses (tests pass a stand-in). */
export type RawSocket = Pick<
  WebSocket,
  'send' | 'close' | 'terminate' | 'ping' | 'on' | 'bufferedAmount' | 'readyState'
>;

/**
 * One accepted WebSocket (api-contract §8.2): JSON documents one per frame, a bounded send
 * buffer (a stalled client is closed with 1013), and liveness from pings.
 */
export class ManagedSocket {
  /** Pings sent without a pong since. */
  missedPongs = 0;
  private closed = false;
  private readonly closeListeners = new Set<() => void>();

  constructor(
    readonly raw: RawSocket,
    readonly principal: Principal,
    /** The token it authenticated with, re-checked at every ping. */
    readonly token: string,
    readonly endpoint: string,
    private readonly maxBufferedBytes: number,
  ) {
    raw.on('pong', () => (this.missedPongs = 0));
    raw.on('close', () => this.markClosed());
    raw.on('error', () => this.markClosed());
  }

  get isOpen(): boolean {
    return !this.closed && this.raw.readyState === 1;
  }

  /** Sends one JSON document (or an already serialised one) as one text frame. */
  send(message: unknown): void {
    if (!this.isOpen) return;
    if (this.raw.bufferedAmount > this.maxBufferedBytes) {
      this.close(CLOSE.overloaded, 'send buffer full');
      return;
    }
    const text = isSerialized(message) ? message.serialized : JSON.stringify(message);
    this.raw.send(text);
  }

  close(code: number, reason = ''): void {
    if (this.closed) return;
    this.raw.close(code, reason);
    this.markClosed();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.add(listener);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }
}

export const serialized = (message: unknown) => ({ serialized: JSON.stringify(message) });
const isSerialized = (message: unknown): message is { serialized: string } =>
  typeof message === 'object' &&
  message !== null &&
  typeof (message as { serialized?: unknown }).serialized === 'string';
