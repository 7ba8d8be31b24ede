import { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { PodLogsService } from '../cluster/pod-logs.service.js';
import { ApiError } from '../common/api-error.js';
import type { WatchHandle } from '../kubernetes/watch-cache.js';
import { LogLineSplitter } from './log-lines.js';
import { CLOSE, type ManagedSocket } from './managed-socket.js';
import type { WebSocketContext, WebSocketEndpoint } from './websocket-endpoint.js';

interface LogQuery {
  container?: string;
  tailLines: number;
  timestamps: boolean;
}

/** `container`, `tailLines` 1–10000 (100), `timestamps` (true), as §8.5 says. */
function logQuery(query: URLSearchParams): LogQuery {
  const tail = query.get('tailLines');
  if (tail !== null && (!/^[0-9]+$/.test(tail) || Number(tail) < 1 || Number(tail) > 10_000))
    throw new ApiError(400, 'Invalid request', 'tailLines: must be an integer from 1 to 10000');
  const timestamps = query.get('timestamps');
  if (timestamps !== null && !/^(true|false)$/i.test(timestamps))
    throw new ApiError(400, 'Invalid request', 'timestamps: must be true or false');
  return {
    container: query.get('container') ?? undefined,
    tailLines: tail === null ? 100 : Number(tail),
    timestamps: timestamps === null || timestamps.toLowerCase() === 'true',
  };
}

/**
 * `/api/v1/ws/logs/:namespace/:pod` (api-contract §8.5): follows the pod's log; every line is one
 * frame holding a JSON string (a line over 64 KiB, or one that never ends, in 64 KiB pieces). `"Error: …"` then 1011 when the log cannot be opened or breaks,
 * 1000 when it ends. A client that does not keep up is closed with 1013 like every socket.
 */
@Injectable()
export class LogsEndpoint implements WebSocketEndpoint {
  readonly name = 'logs';
  readonly path = /^\/api\/v1\/ws\/logs\/(?<namespace>[^/]+)\/(?<pod>[^/]+)\/?$/;
  readonly role = 'operator' as const;

  constructor(private readonly logs: PodLogsService) {}

  async prepare({ params, query }: WebSocketContext): Promise<void> {
    logQuery(query);
    await this.logs.pod(params.namespace, params.pod);
  }

  async open(socket: ManagedSocket, { params, query }: WebSocketContext): Promise<void> {
    const lines = new LogLineSplitter();
    let handle: WatchHandle | undefined;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of lines.push(chunk)) socket.send(line);
        done();
      },
      final(done) {
        for (const line of lines.end()) socket.send(line);
        socket.close(CLOSE.normal, 'log ended');
        done();
      },
    });
    sink.on('error', (error) => fail(error));
    const fail = (error: unknown) => {
      socket.send(`Error: ${(error as Error).message}`);
      socket.close(CLOSE.internal, 'log stream failed');
    };
    socket.onClose(() => handle?.abort());
    try {
      handle = await this.logs.follow(params.namespace, params.pod, logQuery(query), sink);
      if (!socket.isOpen) handle.abort();
    } catch (error) {
      fail(error);
    }
  }
}
