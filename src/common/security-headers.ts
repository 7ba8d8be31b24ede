import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * Browser hardening headers on every response (issue 16), from helmet: `nosniff`,
 * `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY` and `frame-ancestors 'none'`. The API
 * answers JSON and text only, so its policy allows nothing else; Swagger UI (under `docsPath`)
 * keeps helmet's default policy, which lets its own scripts, styles and images load.
 */
export function securityHeaders(docsPath: string): RequestHandler {
  const common = {
    referrerPolicy: { policy: 'no-referrer' as const },
    xFrameOptions: { action: 'deny' as const },
    // Sent only over TLS, below; icons may be embedded by another origin's UI.
    strictTransportSecurity: false,
    crossOriginResourcePolicy: false,
  };
  const api = helmet({
    ...common,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  const docs = helmet({
    ...common,
    contentSecurityPolicy: { directives: { frameAncestors: ["'none'"] } },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    // With TRUST_PROXY, `secure` follows X-Forwarded-Proto from the TLS-terminating proxy.
    if (req.secure) res.setHeader('Strict-Transport-Security', `max-age=${ONE_YEAR_SECONDS}; includeSubDomains`);
    const forDocs = req.path === docsPath || req.path.startsWith(`${docsPath}/`);
    (forDocs ? docs : api)(req, res, next);
  };
}

/** Compares a presented secret with the expected one in time that does not depend on where they differ. */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}
