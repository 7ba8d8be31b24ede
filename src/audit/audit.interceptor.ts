import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, concatMap, from, type Observable, throwError } from 'rxjs';
import { ApiError } from '../common/api-error.js';
import { AUDITED, type AuditedRoute } from '../common/audit.decorator.js';
import { hasRole } from '../common/principal.js';
import type { AuthenticatedRequest } from '../common/roles.decorator.js';
import { AuditService } from './audit.service.js';

function statusOf(error: unknown): number {
  if (error instanceof ApiError) return error.status;
  if (error instanceof HttpException) return error.getStatus();
  return 500;
}

/**
 * Writes the audit row of an @Audited route called by an operator or admin, before the answer
 * leaves: success with the route's status, or the refusal or failure with the error's status.
 * (Refusals by the role check happen earlier, in the AuthGuard, which records them itself.)
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
    const request = context.switchToHttp().getRequest<Request & Partial<AuthenticatedRequest>>();
    const actor = request.principal;
    if (!route || !actor || !hasRole(actor, 'operator')) return next.handle();
    const successStatus =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (request.method === 'POST' ? 201 : 200);
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await this.audit.record(request, route, actor, successStatus);
        return value;
      }),
      catchError((error: unknown) =>
        from(this.audit.record(request, route, actor, statusOf(error), error)).pipe(
          concatMap(() => throwError(() => error)),
        ),
      ),
    );
  }
}
