import type { IncomingMessage } from 'node:http';
import type { Principal } from '../common/principal.js';
import type { Role } from '../common/principal.js';
import type { ManagedSocket } from './managed-socket.js';

export interface WebSocketContext {
  /** Named groups of the path pattern, URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  principal: Principal;
  request: IncomingMessage;
}

/** One WebSocket path (api-contract §8.3–§8.6). */
export interface WebSocketEndpoint {
  /** Label for metrics and logs, e.g. `sessions`. */
  readonly name: string;
  /** Matches the pathname; named groups become `params`. */
  readonly path: RegExp;
  readonly role: Role;
  /** Optional check before the upgrade (e.g. the pod exists); throw an ApiError to refuse. */
  prepare?(context: WebSocketContext): Promise<void> | void;
  /** The socket is open: send, subscribe, and clean up through `socket.onClose`. */
  open(socket: ManagedSocket, context: WebSocketContext): void | Promise<void>;
  /**
   * The caller passed the check at a ping (§8.2) as the database sees them now; an endpoint whose
   * output depends on the role adjusts to it (or closes the socket).
   */
  revalidate?(socket: ManagedSocket, principal: Principal): void;
}

export const WEBSOCKET_ENDPOINTS = Symbol('WEBSOCKET_ENDPOINTS');
