import type { NextFunction, Request, Response } from 'express';
import { invalidRequest } from './api-error.js';

/** Nothing under /api/v1 may be cached (api-contract §1.3). */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * A NUL byte in the path or query is refused before any route sees it (api-contract §1.4): no
 * name or filter holds one, and PostgreSQL text cannot. HTTP request lines cannot carry a raw
 * NUL, so it can only arrive percent-encoded.
 */
export function rejectNulBytes(req: Request, _res: Response, next: NextFunction): void {
  next(
    /%00/i.test(req.originalUrl)
      ? invalidRequest([{ field: 'url', message: 'must not contain a NUL byte' }])
      : undefined,
  );
}
