import { PassThrough } from 'node:stream';
import type { Response } from 'express';
import { ApiError } from '../common/api-error.js';
import type { WatchHandle } from '../kubernetes/watch-cache.js';
import type { PodLogRequest, PodLogsService } from './pod-logs.service.js';

/** How a followed log re-checks its reader: `check` throws an ApiError once the caller no longer qualifies. */
export interface CallerRecheck {
  intervalMs: number;
  check: () => Promise<unknown>;
}

/**
 * Follows a pod log into an HTTP response (api-contract §3.9): `text/plain`, chunked, each chunk
 * written as it arrives, until the log ends, the client goes away or the caller's token or role no longer qualifies
 * (checked every `caller.intervalMs`). Piping keeps memory bounded
 * (a slow client pauses the read). Output waits in a small buffer until the log request has
 * succeeded, so a failure before that still answers with a JSON error.
 */
export async function streamPodLog(
  logs: PodLogsService,
  target: { namespace: string; name: string },
  request: PodLogRequest,
  response: Response,
  caller: CallerRecheck,
): Promise<void> {
  let handle: WatchHandle | undefined;
  let clientGone = false;
  const timer = setInterval(() => {
    // A revoked or expired token or a lost role ends the stream; an unreachable database does not.
    caller.check().catch((error: unknown) => {
      if (!(error instanceof ApiError)) return;
      handle?.abort();
      response.end();
    });
  }, caller.intervalMs);
  timer.unref();
  response.once('close', () => {
    clientGone = true;
    clearInterval(timer);
    handle?.abort();
  });
  const buffer = new PassThrough();
  handle = await logs.follow(target.namespace, target.name, request, buffer);
  if (clientGone) {
    handle.abort();
    return;
  }
  response.status(200).setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.flushHeaders();
  buffer.pipe(response);
}
