import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  type ArgumentMetadata,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type PipeTransform,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import type { Request } from 'express';
import { ApiError, type FieldProblem, invalidRequest } from './api-error.js';

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${prefix}[${error.property}]`
      : prefix
        ? `${prefix}.${error.property}`
        : error.property;
    // class-validator's default messages start with the property name; the field is named once.
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return own.concat(flatten(error.children ?? [], field));
  });
}

/**
 * A rule may carry its route's own 400 label (`context: { error }`, e.g. §3.3's `Invalid state`):
 * then the first such failure is the whole answer, its message as the rule words it.
 */
function labelledProblem(errors: ValidationError[]): ApiError | undefined {
  for (const error of errors) {
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      const label = (error.contexts?.[rule] as { error?: unknown } | undefined)?.error;
      if (typeof label === 'string') return new ApiError(400, label, message);
    }
  }
  return undefined;
}

/**
 * Unknown fields are stripped, never rejected (the UI sends extras, api-contract §3.14); every
 * failure becomes the §1.4 envelope.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => labelledProblem(errors) ?? invalidRequest(flatten(errors)),
  });
}

/**
 * Validates a body against a DTO class with the same whitelist rules as the global pipe, for the
 * few routes whose contract fixes their own 400 body (login, refresh, setup).
 */
export function validateBody<T extends object>(dto: new () => T, body: unknown, onInvalid: () => Error): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw onInvalid();
  let instance: T;
  try {
    instance = plainToInstance(dto, body);
  } catch {
    // class-transformer throws on some shapes, e.g. `{"username":{"constructor":{}}}` (found by fuzzing).
    throw onInvalid();
  }
  if (validateSync(instance, { whitelist: true, forbidNonWhitelisted: false }).length > 0) throw onInvalid();
  return instance;
}

/**
 * A path parameter names one object: `.`, `..` or a `/` (sent as `%2F`) would name another path
 * once it reaches a Kubernetes or file URL, so they answer 400 before anything is read
 * (api-contract §1.4). Wildcard parameters (label and taint keys, which may hold `/`) arrive as
 * arrays of segments, and opaque keys are read with PathKey: both are their routes' own business.
 */
@Injectable()
export class PathNamePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (
      metadata.type === 'param' &&
      typeof value === 'string' &&
      (value === '.' || value === '..' || value.includes('/'))
    ) {
      throw invalidRequest([
        { field: metadata.data ?? 'path', message: "must be a name, not '.', '..' or one holding '/'" },
      ]);
    }
    return value;
  }
}

/** A path parameter that is an opaque key rather than a name (a favourite, §3.2): any text. */
export const PathKey = createParamDecorator(
  (name: string, context: ExecutionContext) => context.switchToHttp().getRequest<Request>().params[name],
);
