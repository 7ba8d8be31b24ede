import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldProblem, invalidRequest } from './api-error.js';

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
 * Unknown fields are stripped, never rejected (the UI sends extras, api-contract §3.14); every
 * failure becomes the §1.4 envelope.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidRequest(flatten(errors)),
  });
}

/**
 * Validates a body against a DTO class with the same whitelist rules as the global pipe, for the
 * few routes whose contract fixes their own 400 body (login, refresh, setup).
 */
export function validateBody<T extends object>(dto: new () => T, body: unknown, onInvalid: () => Error): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw onInvalid();
  const instance = plainToInstance(dto, body);
  if (validateSync(instance, { whitelist: true, forbidNonWhitelisted: false }).length > 0) throw onInvalid();
  return instance;
}
