/**
 * An error that knows its wire form (api-contract §1.4). Domain code throws these (or subclasses);
 * the global ApiExceptionFilter is the only place that writes error bodies.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly extra: {
      code?: string;
      hint?: string;
      details?: unknown;
      /** Seconds, sent as Retry-After. */
      retryAfter?: number;
    } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** 400 `Invalid request` naming the first problem, with every problem in `details`. */
export function invalidRequest(problems: FieldProblem[]): ApiError {
  const first = problems[0] ?? { field: 'body', message: 'is invalid' };
  return new ApiError(400, 'Invalid request', `${first.field}: ${first.message}`, { details: problems });
}

/** 404 for a method and path no route serves (api-contract §1.4), without the query string. */
export function routeNotFound(method: string, url: string): ApiError {
  return new ApiError(404, 'Not found', `No route for ${method} ${url.split('?')[0]}`);
}
