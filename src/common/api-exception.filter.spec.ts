import { describe, expect, it } from '@jest/globals';
import { BadRequestException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { ApiError } from './api-error.js';
import { ApiExceptionFilter } from './api-exception.filter.js';

function run(exception: unknown, request: Partial<{ method: string; originalUrl: string; id: string }> = {}) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const response = {
    headersSent: false,
    setHeader: (key: string, value: string) => (sent.headers[key] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json: (body: unknown) => (sent.body = body),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', originalUrl: '/api/v1/x', id: 'req-1', ...request }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

describe('ApiExceptionFilter', () => {
  it('writes an ApiError as the envelope, with its optional keys', () => {
    const sent = run(
      new ApiError(403, 'Quota exceeded', 'Session limit reached (5 of 5)', { code: 'QUOTA_EXCEEDED', details: [1] }),
    );
    expect(sent).toMatchObject({
      status: 403,
      body: {
        error: 'Quota exceeded',
        message: 'Session limit reached (5 of 5)',
        code: 'QUOTA_EXCEEDED',
        details: [1],
      },
    });
  });

  it('answers unknown routes with the route-less 404, without the query string', () => {
    const sent = run(new NotFoundException('Cannot DELETE /api/v1/foo?x=1'), {
      method: 'DELETE',
      originalUrl: '/api/v1/foo?x=1',
    });
    expect(sent).toEqual({
      status: 404,
      body: { error: 'Not found', message: 'No route for DELETE /api/v1/foo' },
      headers: {},
    });
  });

  it('hides unexpected errors behind a 500 with the request id', () => {
    const sent = run(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ error: 'Internal error', message: 'An unexpected error occurred', requestId: 'req-1' });
  });

  it('maps other HTTP exceptions to a generic label', () => {
    expect(run(new BadRequestException('nope'))).toMatchObject({
      status: 400,
      body: { error: 'Invalid request', message: 'nope' },
    });
  });

  it('maps a lost database connection to 503 without the connection string', () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED postgres://u:secret@db/x'), { code: 'ECONNREFUSED' });
    const sent = run(lost);
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('5');
    expect(JSON.stringify(sent.body)).not.toContain('secret');
    expect(sent.body).toMatchObject({ error: 'Database unavailable', requestId: 'req-1' });
  });
});
