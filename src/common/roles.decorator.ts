import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from './principal.js';
import type { Principal } from './principal.js';

export const IS_PUBLIC = 'streamspace:isPublic';
export const REQUIRED_ROLE = 'streamspace:requiredRole';
/** OpenAPI extension naming who may call each operation: public, user (any account), operator, admin. */
export const ROLE_EXTENSION = 'x-streamspace-role';

/**
 * The least role a route needs (`user` = any active account). Reads as policy on the controller
 * and shows up in Swagger. Method-level wins over class-level.
 */
export const Roles = (role: Role) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    ApiBearerAuth(),
    ApiExtension(ROLE_EXTENSION, role),
    ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked token' }),
    ...(role === 'user' ? [] : [ApiForbiddenResponse({ description: `Requires the ${role} role` })]),
  );

/** Reachable without a token (§3.0 "public"). */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(ROLE_EXTENSION, 'public'));

export interface AuthenticatedRequest {
  principal: Principal;
}

/** The caller, as the auth guard resolved it. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
