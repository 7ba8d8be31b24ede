import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { databaseUnavailable } from '../common/api-exception.filter.js';
import { AppConfig } from '../config/app-config.js';
import type { Role } from '../common/principal.js';
import { insufficientRole } from './auth.guard.js';
import { Authenticator } from './authenticator.js';
import { hasRole, type Principal } from '../common/principal.js';

const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';
export const STREAMSPACE_PROTOCOL = 'streamspace.v1';

export interface WebSocketAdmission {
  principal: Principal;
  /** Re-checked while the socket is open (§8.2). */
  token: string;
  /** The subprotocol to answer with, when the client offered any (§8.1). */
  protocol: string | undefined;
}

/**
 * Authenticates a WebSocket upgrade before the socket opens (api-contract §8.1, §3.14): Origin,
 * then the token from `?token=` or the Kubernetes-style bearer subprotocol with every check of
 * §2.2, then the role. Gateways call `admit` in their upgrade handler and `refuse` on failure.
 */
@Injectable()
export class WebSocketAuthenticator {
  private readonly anyOrigin: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(
    private readonly authenticator: Authenticator,
    config: AppConfig,
  ) {
    this.anyOrigin = config.corsAllowedOrigins === '*';
    this.origins = new Set(this.anyOrigin ? [] : config.corsAllowedOrigins);
  }

  async admit(request: IncomingMessage, required: Role): Promise<WebSocketAdmission> {
    if (!this.originAllowed(request))
      throw new ApiError(403, 'Origin not allowed', 'This page origin may not open StreamSpace WebSockets');
    const offered = offeredProtocols(request);
    const token =
      new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? bearerFromProtocols(offered);
    if (!token) throw new ApiError(401, 'Authorization header required', 'Send ?token=<JWT> or the bearer subprotocol');
    const principal = await this.authenticator.authenticate(token);
    if (!hasRole(principal, required)) throw insufficientRole(required);
    const protocol = offered.includes(STREAMSPACE_PROTOCOL)
      ? STREAMSPACE_PROTOCOL
      : offered.find((entry) => entry.startsWith(BEARER_PROTOCOL_PREFIX));
    return { principal, token, protocol };
  }

  /** Re-runs the token checks (§8.2 pings): throws the same errors as at upgrade time. */
  recheck(token: string, required: Role): Promise<Principal> {
    return this.authenticator.authenticate(token).then((principal) => {
      if (!hasRole(principal, required)) throw insufficientRole(required);
      return principal;
    });
  }

  /**
   * `recheck` for every open socket at once (the ping round): per entry, undefined when it still
   * qualifies, else the error. One batch of queries for all sockets; rejects when the database fails.
   */
  async recheckAll(sockets: { token: string; role: Role }[]): Promise<(Error | undefined)[]> {
    const results = await this.authenticator.authenticateAll(sockets.map((socket) => socket.token));
    return sockets.map(({ token, role }) => {
      const result = results.get(token)!;
      if (result instanceof Error) return result;
      return hasRole(result, role) ? undefined : insufficientRole(role);
    });
  }

  /** Answers the upgrade with a plain HTTP error and the JSON envelope, then closes the socket. */
  refuse(socket: Duplex, failure: unknown): void {
    const error =
      failure instanceof ApiError
        ? failure
        : (databaseUnavailable(failure) ?? new ApiError(500, 'Internal error', 'An unexpected error occurred'));
    const body = JSON.stringify({ error: error.error, message: error.message });
    socket.end(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }

  /** No Origin (non-browser client), an allowed origin, or the request's own host. */
  private originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined || this.anyOrigin || this.origins.has(origin)) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }
}

function offeredProtocols(request: IncomingMessage): string[] {
  return (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function bearerFromProtocols(offered: string[]): string | undefined {
  const entry = offered.find((candidate) => candidate.startsWith(BEARER_PROTOCOL_PREFIX));
  return entry ? Buffer.from(entry.slice(BEARER_PROTOCOL_PREFIX.length), 'base64url').toString('utf8') : undefined;
}
