import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import type { Role } from '../common/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { AUDITED, type AuditedRoute } from '../common/audit.decorator.js';
import { Authenticator } from './authenticator.js';
import { hasRole } from '../common/principal.js';
import { type AuthenticatedRequest, IS_PUBLIC, REQUIRED_ROLE } from '../common/roles.decorator.js';

export function insufficientRole(required: Role): ApiError {
  const needed = required === 'admin' ? 'the admin role' : 'the operator or admin role';
  return new ApiError(403, 'Insufficient permissions', `This action requires ${needed}`);
}

/**
 * Global guard: every route needs a valid token unless marked @Public (§3.0), then the role its
 * @Roles names. Order of answers as §1.5: token 401 → disabled 403 → role 403.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const principal = await this.authenticator.authenticateHeader(request.headers.authorization);
    request.principal = principal;
    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? 'user';
    if (!hasRole(principal, required)) {
      const refused = insufficientRole(required);
      // An operator trying an admin mutation is on the audit trail (§3.16); later refusals are the interceptor's.
      const audited = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
      if (audited && hasRole(principal, 'operator')) await this.audit.record(request, audited, principal, 403, refused);
      throw refused;
    }
    return true;
  }
}
