import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError, routeNotFound } from './api-error.js';
import { redactConnectionStrings } from './dependency-check.js';

interface ErrorBody {
  error: string;
  message: string;
  code?: string;
  hint?: string;
  details?: unknown;
  requestId?: string;
}

const GENERIC_LABELS: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
};

const DB_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  '57P01',
  '57P03',
  '08006',
  '08001',
]);

export function databaseUnavailable(exception: unknown): ApiError | undefined {
  const err = exception as { code?: unknown; message?: unknown; driverError?: { code?: unknown } } | null;
  const code = err?.driverError?.code ?? err?.code;
  const message = typeof err?.message === 'string' ? err.message : '';
  if (
    (typeof code === 'string' && DB_UNAVAILABLE_CODES.has(code)) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  ) {
    return new ApiError(503, 'Database unavailable', redactConnectionStrings(message), {
      retryAfter: 5,
    });
  }
  return undefined;
}

/** Writes the §1.4 envelope; 5xx answers carry the request id. */
export function writeApiError(request: Request, response: Response, apiError: ApiError): void {
  const body: ErrorBody = { error: apiError.error, message: apiError.message };
  const { code, hint, details, retryAfter } = apiError.extra;
  if (code !== undefined) body.code = code;
  if (hint !== undefined) body.hint = hint;
  if (details !== undefined) body.details = details;
  if (apiError.status >= 500) body.requestId = typeof request.id === 'string' ? request.id : '';
  if (response.headersSent) {
    response.end();
    return;
  }
  if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
  response.status(apiError.status).json(body);
}

/**
 * The one place that writes error responses: every failure answers `{error, message, ...}`
 * (api-contract §1.4) and no stack trace ever reaches a client.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const apiError = this.toApiError(exception, request);
    if (apiError.status === 500) this.logger.error({ err: exception, requestId: request.id }, 'request failed');
    else if (apiError.status > 500) this.logger.warn(`${apiError.error}: ${apiError.message}`);
    writeApiError(request, response, apiError);
  }

  private toApiError(exception: unknown, request: Request): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Nest's router answers unknown routes with a NotFoundException("Cannot GET /x").
      if (status === 404 && /^Cannot [A-Z]+ /.test(exception.message)) {
        return routeNotFound(request.method, request.originalUrl);
      }
      if (status < 500) {
        const label = GENERIC_LABELS[status] ?? 'Request failed';
        return new ApiError(status, label, exception.message || label);
      }
    }
    return databaseUnavailable(exception) ?? new ApiError(500, 'Internal error', 'An unexpected error occurred');
  }
}
