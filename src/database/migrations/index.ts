import { InitialSchema1764100000000 } from './1764100000000-initial-schema.js';
import { TokenValidity1764800000000 } from './1764800000000-token-validity.js';
import { AuditLog1764800000001 } from './1764800000001-audit-log.js';

/** Every migration, in order. Listed explicitly: ESM and jest cannot load them by glob. */
export const MIGRATIONS = [InitialSchema1764100000000, TokenValidity1764800000000, AuditLog1764800000001];
