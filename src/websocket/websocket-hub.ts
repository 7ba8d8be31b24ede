import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer } from 'ws';
import { WebSocketAuthenticator, type WebSocketAdmission } from '../auth/websocket-authenticator.js';
import { ApiError } from '../common/api-error.js';
import { runInRequestLane } from '../kubernetes/request-lanes.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { CLOSE, ManagedSocket } from './managed-socket.js';
import { WEBSOCKET_ENDPOINTS, type WebSocketEndpoint } from './websocket-endpoint.js';

/** Timings and limits of §8.2; tests may shorten them before sockets open. */
@Injectable()
export class WebSocketSettings {
  pingIntervalMs = 30_000;
  maxBufferedBytes = 1024 * 1024;
}

/** Close reasons of §8.2 for the checks of §2.2. */
function policyReason(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.error === 'Token revoked') return 'token revoked';
  if (error.error === 'Account disabled') return 'account disabled';
  if (error.error === 'Insufficient permissions') return 'insufficient permissions';
  if (error.status === 401) return 'token expired';
  return undefined;
}

/**
 * Every WebSocket upgrade of the server goes through here (api-contract §8.1): the path picks an
 * endpoint, the Origin, token and role are checked, and refusals are plain HTTP answers before
 * the socket opens. Open sockets are pinged every 30 s; two missed pongs terminate them, and each
 * ping re-checks the caller (1008 with the reason when the token or account no longer qualifies).
 */
@Injectable()
export class WebSocketHub implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebSocketHub.name);
  private readonly server = new WebSocketServer({
    noServer: true,
    handleProtocols: (_offered, request) => admissions.get(request)?.protocol ?? false,
    maxPayload: 64 * 1024,
  });
  private readonly sockets = new Set<ManagedSocket>();
  /** Open sockets plus admitted handshakes, per user id (`limits.websocketsPerUser`). */
  private readonly socketsPerUser = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: WebSocketAuthenticator,
    private readonly settings: WebSocketSettings,
    @Inject(WEBSOCKET_ENDPOINTS) private readonly endpoints: WebSocketEndpoint[],
    private readonly metrics: MetricsService,
    private readonly platformConfig: PlatformConfigService,
  ) {}

  onApplicationBootstrap(): void {
    for (const endpoint of this.endpoints)
      this.metrics.websocketClients(endpoint.name, () => this.openSockets(endpoint.name));
    (this.adapterHost.httpAdapter.getHttpServer() as Server).on(
      'upgrade',
      (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        void this.upgrade(request, socket, head);
      },
    );
    this.timer = setInterval(() => void this.heartbeatRound(), this.settings.pingIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.shutdown();
  }

  /** Closes every socket with 1001 (server going away); called first on SIGTERM so the HTTP drain is not held up. */
  shutdown(): void {
    clearInterval(this.timer);
    for (const socket of this.sockets) socket.close(CLOSE.goingAway, 'server shutting down');
  }

  /** Open sockets per endpoint (metrics). */
  openSockets(endpoint: string): number {
    return [...this.sockets].filter((socket) => socket.endpoint === endpoint).length;
  }

  /**
   * One liveness round: terminate sockets that missed two pongs, re-check every caller in one
   * batch (two queries, however many sockets), close those that no longer qualify, ping the rest.
   */
  async heartbeatRound(): Promise<void> {
    const alive: ManagedSocket[] = [];
    for (const socket of this.sockets) {
      if (socket.missedPongs >= 2) socket.raw.terminate();
      else alive.push(socket);
    }
    let problems: (Error | undefined)[] = [];
    try {
      problems = await this.authenticator.recheckAll(
        alive.map((socket) => ({ token: socket.token, role: this.endpointOf(socket).role })),
      );
    } catch {
      // The database is unreachable: keep the sockets; the next round checks again.
    }
    alive.forEach((socket, i) => {
      const reason = policyReason(problems[i]);
      if (reason) return socket.close(CLOSE.policy, reason);
      socket.missedPongs++;
      socket.raw.ping();
    });
  }

  private endpointOf(socket: ManagedSocket): WebSocketEndpoint {
    return this.endpoints.find((candidate) => candidate.name === socket.endpoint)!;
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = this.match(url.pathname);
    let release: (() => void) | undefined;
    try {
      if (!route) throw new ApiError(404, 'Not found', `No WebSocket endpoint at ${url.pathname}`);
      // The handshake answers a waiting client: its Kubernetes calls use the request lane.
      const { admission, context } = await runInRequestLane(async () => {
        const admission = await this.authenticator.admit(request, route.endpoint.role);
        release = this.reserveSocket(admission.principal.id);
        const context = { params: route.params, query: url.searchParams, principal: admission.principal, request };
        await route.endpoint.prepare?.(context);
        return { admission, context };
      });
      admissions.set(request, admission);
      let opened = false;
      // ws drops a handshake whose socket fails without calling back: give the place back then.
      socket.once('close', () => opened || release?.());
      this.server.handleUpgrade(request, socket, head, (raw) => {
        opened = true;
        const managed = new ManagedSocket(
          raw,
          admission.principal,
          admission.token,
          route.endpoint.name,
          this.settings.maxBufferedBytes,
        );
        this.sockets.add(managed);
        managed.onClose(() => {
          this.sockets.delete(managed);
          release?.();
        });
        Promise.resolve(route.endpoint.open(managed, context)).catch((error: unknown) => {
          this.logger.warn(`WebSocket ${route.endpoint.name} failed: ${(error as Error).message}`);
          managed.close(CLOSE.internal, 'internal error');
        });
      });
    } catch (error) {
      release?.();
      this.authenticator.refuse(socket, error);
    }
  }

  /**
   * Takes one of the user's `limits.websocketsPerUser` places, or refuses with 429 (§6.8).
   * Returns the release, which is safe to call more than once.
   */
  private reserveSocket(userId: string): () => void {
    const limit = this.platformConfig.settings().limits.websocketsPerUser;
    const open = this.socketsPerUser.get(userId) ?? 0;
    if (open >= limit)
      throw new ApiError(
        429,
        'Too many sockets',
        `You have ${open} open WebSockets, the most allowed; close one first`,
      );
    this.socketsPerUser.set(userId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.socketsPerUser.get(userId) ?? 1) - 1;
      if (left > 0) this.socketsPerUser.set(userId, left);
      else this.socketsPerUser.delete(userId);
    };
  }

  private match(pathname: string): { endpoint: WebSocketEndpoint; params: Record<string, string> } | undefined {
    for (const endpoint of this.endpoints) {
      const match = endpoint.path.exec(pathname);
      if (match) {
        const params = Object.fromEntries(
          Object.entries(match.groups ?? {}).map(([key, value]) => [key, decodeURIComponent(value)]),
        );
        return { endpoint, params };
      }
    }
    return undefined;
  }
}

/** Admissions by request, for the subprotocol answer during the handshake. */
const admissions = new WeakMap<IncomingMessage, WebSocketAdmission>();
