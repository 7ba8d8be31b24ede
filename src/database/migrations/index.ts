import { InitialSchema1764100000000 } from './1764100000000-initial-schema.js';
import { HotActivityUpdates1764900000000 } from './1764900000000-hot-activity-updates.js';
import { SessionSharing1765000000000 } from './1765000000000-session-sharing.js';
import { TokenValidity1765100000000 } from './1765100000000-token-validity.js';
import { AuditLog1765100000001 } from './1765100000001-audit-log.js';

/** Every migration, in order. Listed explicitly: ESM and jest cannot load them by glob. */
export const MIGRATIONS = [
  InitialSchema1764100000000,
  HotActivityUpdates1764900000000,
  SessionSharing1765000000000,
  TokenValidity1765100000000,
  AuditLog1765100000001,
];
