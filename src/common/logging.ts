import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { type LevelWithSilent, stdTimeFunctions } from 'pino';

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

/** JSON logs with the request id on every line of a request; never tokens or passwords. */
export function loggerParams(level: LevelWithSilent): Params {
  return {
    pinoHttp: {
      level,
      timestamp: stdTimeFunctions.isoTime,
      genReqId: requestId,
      // Every line logged while serving a request carries its id.
      customProps: (req) => ({ requestId: req.id }),
      autoLogging: { ignore: (req) => req.url === '/health/live' },
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
  };
}
