import { PassThrough } from 'node:stream';
import type { Response } from 'express';
import type { WatchHandle } from '../kubernetes/watch-cache.js';
import type { PodLogRequest, PodLogsService } from './pod-logs.service.js';

/**
 * Follows a pod log into an HTTP response (api-contract §3.9): `text/plain`, chunked, each chunk
 * written as it arrives, until the log ends or the client goes away. Piping keeps memory bounded
 * (a slow client pauses the read). Output waits in a small buffer until the log request has
 * succeeded, so a failure before that still answers with a JSON error.
 */
export async function streamPodLog(
  logs: PodLogsService,
  target: { namespace: string; name: string },
  request: PodLogRequest,
  response: Response,
): Promise<void> {
  let handle: WatchHandle | undefined;
  let clientGone = false;
  response.once('close', () => {
    clientGone = true;
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
