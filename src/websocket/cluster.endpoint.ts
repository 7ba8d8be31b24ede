import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ClusterMetricsService } from '../metrics/cluster-metrics.service.js';
import { type ManagedSocket, serialized } from './managed-socket.js';
import type { WebSocketEndpoint } from './websocket-endpoint.js';

export const CLUSTER_TICK_MS = 5_000;

/**
 * `/api/v1/ws/cluster` (api-contract §8.4): `metrics_update` at connect and every 5 s. The figures
 * are computed once per tick for all sockets; a tick that cannot compute them is skipped, so no
 * socket ever receives a partial `cluster`.
 */
@Injectable()
export class ClusterEndpoint implements WebSocketEndpoint, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = 'cluster';
  readonly path = /^\/api\/v1\/ws\/cluster\/?$/;
  readonly role = 'operator' as const;

  private readonly sockets = new Set<ManagedSocket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clusterMetrics: ClusterMetricsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), CLUSTER_TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async open(socket: ManagedSocket): Promise<void> {
    this.sockets.add(socket);
    socket.onClose(() => this.sockets.delete(socket));
    const frame = await this.frame();
    if (frame) socket.send(frame);
  }

  /** One computation for every open socket. */
  async tick(): Promise<void> {
    if (this.sockets.size === 0) return;
    const frame = await this.frame();
    if (frame) for (const socket of this.sockets) socket.send(frame);
  }

  private async frame(): Promise<{ serialized: string } | undefined> {
    try {
      const cluster = await this.clusterMetrics.compute();
      return serialized({ type: 'metrics_update', metrics: { cluster }, timestamp: this.clock.now().toISOString() });
    } catch {
      return undefined;
    }
  }
}
