import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/**
 * Kubernetes calls made while serving an HTTP request, and everything else (reconcilers, cache
 * relists, jobs, WebSockets). Each has its own concurrency bound and queue, so a burst of one
 * cannot starve the other.
 */
export type RequestLane = 'request' | 'background';

const currentLane = new AsyncLocalStorage<RequestLane>();

/** The lane of the code running now: `request` inside an HTTP request, `background` otherwise. */
export const currentRequestLane = (): RequestLane => currentLane.getStore() ?? 'background';

export const runInRequestLane = <T>(work: () => T): T => currentLane.run('request', work);

/**
 * Express middleware that puts the rest of the request in the request lane. It must come after
 * body parsing: stream callbacks run in the context the socket was opened in, not this one.
 */
export function requestLaneMiddleware(_req: Request, _res: Response, next: NextFunction): void {
  runInRequestLane(next);
}
