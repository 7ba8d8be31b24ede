import { isUUID } from 'class-validator';

/**
 * The one UUID check, the same rule as the DTOs' `@IsUUID('all')`: ids are checked before they
 * reach a query, so a malformed one is an ordinary 400/404 and never a database error.
 */
export const isUuid = (value: unknown): value is string => isUUID(value, 'all');
