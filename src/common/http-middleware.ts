import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * JSON bodies only, up to 2 MiB (api-contract §1.2, §1.6): other media types are never parsed,
 * so they fail validation. Runs as Nest middleware, after the request id is assigned, so parser
 * errors reach the exception filter like any other error.
 */
export const jsonBodyParser = express.json({ limit: '2mb' });

/** Nothing under /api/v1 may be cached (api-contract §1.3). */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
