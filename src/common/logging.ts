import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type LevelWithSilent, stdTimeFunctions } from 'pino';

const CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** api-contract §1.3: echo a client's X-Request-ID (≤ 128 printable characters) or make one. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const sent = req.headers['x-request-id'];
  const id = typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
  res.setHeader('X-Request-ID', id);
  return id;
}

/** Credentials in URLs (WebSocket tokens in the query, invitation tokens in the path) never reach a log line. */
export function redactUrl(url: string | undefined): string | undefined {
  return url
    ?.replace(/([?&](?:token|access_token)=)[^&]*/gi, '$1[REDACTED]')
    .replace(/(\/invitations\/)[^/?]+/gi, '$1[REDACTED]');
}

const HEARTBEAT = /^\/api\/v1\/sessions\/[^/]+\/heartbeat(?:\?|$)/;

/**
 * The level of a request's completion line. Successful reads and heartbeats are the bulk of the
 * traffic (a viewer heartbeats every 30 s, the UI polls lists): at `debug` they cost nothing at
 * the default level. Writes, refusals and failures are always logged.
 */
export function completionLevel(method: string | undefined, url: string | undefined, status: number, error?: Error) {
  if (error || status >= 500) return 'error';
  if (status >= 400) return 'info';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 'debug';
  return method === 'POST' && HEARTBEAT.test(url ?? '') ? 'debug' : 'info';
}

/**
 * JSON logs with the request id on every line of a request; never tokens or passwords. Lines go
 * to stdout asynchronously (pino flushes them at exit), so a slow log reader never stalls requests.
 */
export function loggerParams(level: LevelWithSilent): Params {
  return {
    pinoHttp: [
      {
        level,
        timestamp: stdTimeFunctions.isoTime,
        genReqId: requestId,
        // Every line logged while serving a request carries its id.
        customProps: (req) => ({ requestId: req.id }),
        autoLogging: { ignore: (req) => req.url === '/health/live' },
        customLogLevel: (req, res, error) => completionLevel(req.method, req.url, res.statusCode, error),
        redact: {
          paths: [
            'req.headers.authorization',
            'req.headers.cookie',
            'req.headers["sec-websocket-protocol"]',
            '*.password',
            '*.token',
            '*.shareToken',
            '*.invitationToken',
          ],
          censor: '[REDACTED]',
        },
        serializers: {
          req: (req: {
            id: string;
            method: string;
            url: string;
            remoteAddress?: string;
            headers: Record<string, unknown>;
          }) => ({
            id: req.id,
            method: req.method,
            url: redactUrl(req.url),
            remoteAddress: req.remoteAddress,
            userAgent: req.headers['user-agent'],
          }),
        },
      },
      pino.destination({ dest: 1, sync: false }),
    ],
  };
}
