import {
  type ArgumentMetadata,
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Injectable,
  type PipeTransform,
  UseFilters,
} from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiError } from './api-error.js';
import { writeApiError } from './api-exception.filter.js';

/** A body that is not a usable JSON object: §1.4's 400 `Invalid request`, unless the route words its own. */
export class UnusableBodyError extends ApiError {
  constructor(field: string, problem: string) {
    super(400, 'Invalid request', `${field}: ${problem}`, { details: [{ field, message: problem }] });
  }
}

/**
 * What a request body that could not be read leaves in `req.body`: the answer it deserves, kept
 * until a route asks for the body. A route without `@Body()` never asks, so it ignores whatever
 * body arrives (api-contract §1.2: the UI posts `null` to heartbeat and disconnect).
 */
export class UnreadableBody {
  constructor(readonly error: ApiError) {}
}

const notAnObject = () => new UnusableBodyError('body', 'must be a JSON object');

/** The body parser's failures (their `type`) in §1.4's words. */
function parserError(error: unknown): ApiError {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new ApiError(413, 'Payload too large', 'Request bodies are limited to 2 MiB');
  if ((typeof type === 'string' && type.startsWith('encoding.')) || type === 'charset.unsupported') {
    return new ApiError(415, 'Unsupported media type', 'Request bodies must be UTF-8 JSON');
  }
  return notAnObject();
}

/** Deep enough for any Kubernetes object; deeper bodies would overflow the stack of recursive code (a 500). */
const MAX_DEPTH = 100;

interface Place {
  parent?: Place;
  key: string | number;
  depth: number;
}

const pathOf = (place: Place): string => {
  const keys: (string | number)[] = [];
  for (let at: Place | undefined = place; at; at = at.parent) keys.unshift(at.key);
  return keys.map((key) => (typeof key === 'number' ? `[${key}]` : key === 'body' ? key : `.${key}`)).join('');
};

/**
 * What makes a parsed body unusable, if anything: a NUL byte in a key or a string, or nesting
 * deeper than MAX_DEPTH. Iterative, with paths built only for the answer: 2 MiB of JSON can nest a
 * million levels deep.
 */
function bodyProblem(body: unknown): UnusableBodyError | undefined {
  const pending: { value: unknown; place: Place }[] = [{ value: body, place: { key: 'body', depth: 0 } }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, place } = next;
    if (typeof value === 'string') {
      if (value.includes('\0')) return new UnusableBodyError(pathOf(place), 'must not contain a NUL byte');
    } else if (typeof value === 'object' && value !== null) {
      if (place.depth === MAX_DEPTH)
        return new UnusableBodyError('body', `must not nest deeper than ${MAX_DEPTH} levels`);
      for (const [key, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
        if (typeof key === 'string' && key.includes('\0'))
          return new UnusableBodyError(pathOf(place), 'must not contain a NUL byte');
        pending.push({ value: item, place: { parent: place, key, depth: place.depth + 1 } });
      }
    }
  }
  return undefined;
}

/** Any JSON value up to 2 MiB; whether it fits the route is the route's business. */
const parseJson = express.json({ limit: '2mb', strict: false });

/**
 * JSON bodies only, up to 2 MiB (api-contract §1.2, §1.6): other media types are never parsed.
 * A body that cannot be used (malformed, too large, not UTF-8, holding a NUL byte, too deep) does
 * not stop the request here: it becomes an UnreadableBody that JsonBodyPipe turns into the answer
 * on routes that take a body, after the route, the token and the role were checked (§1.5 order).
 */
export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  void parseJson(req, res, (error?: unknown) => {
    if (error !== undefined) {
      req.body = new UnreadableBody(parserError(error));
    } else {
      const problem = bodyProblem(req.body);
      if (problem) req.body = new UnreadableBody(problem);
    }
    next();
  });
}

/**
 * Runs before validation on every `@Body()`: an unreadable body answers what it deserves, JSON
 * `null` counts as no body, and anything else must be a JSON object (no route takes an array).
 */
@Injectable()
export class JsonBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    if (value instanceof UnreadableBody) throw value.error;
    if (value === null) return undefined;
    if (value !== undefined && (typeof value !== 'object' || Array.isArray(value))) throw notAnObject();
    return value;
  }
}

@Catch(UnusableBodyError)
class UnusableBodyFilter implements ExceptionFilter {
  constructor(private readonly answer: () => ApiError) {}

  catch(_error: UnusableBodyError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    writeApiError(http.getRequest<Request>(), http.getResponse<Response>(), this.answer());
  }
}

/** For the routes whose contract words their own 400 for a body that is not a usable object (login, refresh, setup). */
export const AnswerUnusableBodyWith = (answer: () => ApiError) => UseFilters(new UnusableBodyFilter(answer));
