import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Clock } from '../common/clock.js';
import { LeaderElection } from '../database/leader-election.js';
import { SessionCache } from '../kubernetes/custom-resource.cache.js';
import type { ReconcileResult } from '../kubernetes/reconcile-queue.js';
import { WatchCache } from '../kubernetes/watch-cache.js';

/**
 * The Prometheus series of api-contract §3.12, in one registry per application. Gauges that
 * describe current state (sessions, live connections, watch restarts) are read at scrape time;
 * counters and histograms are fed by the code paths they describe. Modules above this one hand
 * in what only they can count (`liveConnections`, `websocketClients`).
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly startedAt = new Map<string, number>();
  private readonly websocketCounts = new Map<string, () => number>();
  private countLiveConnections: () => Promise<number> = () => Promise.resolve(0);

  readonly sessionsCreated = new Counter({
    name: 'streamspace_sessions_created_total',
    help: 'Sessions created',
    registers: [this.registry],
  });
  readonly sessionStart = new Histogram({
    name: 'streamspace_session_start_duration_seconds',
    help: 'From create or wake request to phase Running or Failed',
    labelNames: ['result'],
    buckets: [0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly hibernations = new Counter({
    name: 'streamspace_session_hibernations_total',
    help: 'State changes to hibernated',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly quotaRejections = new Counter({
    name: 'streamspace_quota_rejections_total',
    help: '403 QUOTA_EXCEEDED answers',
    labelNames: ['resource'],
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'streamspace_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'streamspace_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    registers: [this.registry],
  });
  readonly reconciles = new Counter({
    name: 'streamspace_reconcile_total',
    help: 'Reconciler passes',
    labelNames: ['kind', 'result'],
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'streamspace_reconcile_duration_seconds',
    help: 'Reconcile time',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly loopDuration = new Histogram({
    name: 'streamspace_lifecycle_loop_duration_seconds',
    help: 'Background tick time',
    labelNames: ['loop'],
    registers: [this.registry],
  });

  constructor(
    sessionCache: SessionCache,
    private readonly clock: Clock,
    leaderElection: LeaderElection,
  ) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'streamspace_leader',
      help: '1 while this replica holds the leader lock (runs the reconcilers and the sessions projection)',
      registers: [this.registry],
      collect() {
        this.set(leaderElection.isLeader ? 1 : 0);
      },
    });
    new Gauge({
      name: 'streamspace_sessions',
      help: 'Non-deleted sessions',
      labelNames: ['state', 'phase'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const session of sessionCache.list())
          if (!session.metadata.deletionTimestamp)
            this.inc({ state: session.spec.state, phase: session.status?.phase ?? 'Pending' });
      },
    });
    const liveConnections = () => this.countLiveConnections();
    new Gauge({
      name: 'streamspace_connections_active',
      help: 'Live connections',
      registers: [this.registry],
      async collect() {
        this.set(await liveConnections());
      },
    });
    const websocketCounts = this.websocketCounts;
    new Gauge({
      name: 'streamspace_websocket_clients',
      help: 'Open sockets',
      labelNames: ['endpoint'],
      registers: [this.registry],
      collect() {
        for (const [endpoint, count] of websocketCounts) this.set({ endpoint }, count());
      },
    });
    new Counter({
      name: 'streamspace_k8s_watch_restarts_total',
      help: 'Watch restarts',
      labelNames: ['resource'],
      registers: [this.registry],
      collect() {
        // Each cache counts its own restarts; the counter mirrors their totals.
        this.reset();
        for (const cache of WatchCache.all) this.inc({ resource: cache.name }, cache.restarts);
      },
    });
    // A session's start ends when the watch shows it Running or Failed.
    sessionCache.subscribe(({ type, object }) => {
      const name = object.metadata.name;
      const started = this.startedAt.get(name);
      if (started === undefined) return;
      const phase = object.status?.phase;
      if (type === 'deleted') this.startedAt.delete(name);
      else if (phase === 'Running' || phase === 'Failed') {
        this.startedAt.delete(name);
        this.sessionStart.observe(
          { result: phase === 'Running' ? 'running' : 'failed' },
          (this.clock.now().getTime() - started) / 1000,
        );
      }
    });
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }

  /** A create or wake was accepted: time it until the session is Running or Failed. */
  sessionStarting(name: string): void {
    this.startedAt.set(name, this.clock.now().getTime());
  }

  /** How to count live connections (the connections module knows the table's rule). */
  liveConnections(count: () => Promise<number>): void {
    this.countLiveConnections = count;
  }

  websocketClients(endpoint: string, count: () => number): void {
    this.websocketCounts.set(endpoint, count);
  }

  /** Times `work` as one pass of `kind`'s reconciler. */
  async reconcile(kind: string, work: () => Promise<ReconcileResult>): Promise<ReconcileResult> {
    const end = this.reconcileDuration.startTimer({ kind });
    try {
      const result = await work();
      this.reconciles.inc({ kind, result: result && result.requeueAfterMs !== undefined ? 'requeue' : 'ok' });
      return result;
    } catch (error) {
      this.reconciles.inc({ kind, result: 'error' });
      throw error;
    } finally {
      end();
    }
  }

  /** Times one tick of a background loop. */
  async loop<T>(loop: 'idle' | 'connections', work: () => Promise<T>): Promise<T> {
    const end = this.loopDuration.startTimer({ loop });
    try {
      return await work();
    } finally {
      end();
    }
  }
}
