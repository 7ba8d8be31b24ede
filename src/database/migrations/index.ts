import { InitialSchema1764100000000 } from './1764100000000-initial-schema.js';
import { HotActivityUpdates1764900000000 } from './1764900000000-hot-activity-updates.js';
import { SessionSharing1765000000000 } from './1765000000000-session-sharing.js';

/** Every migration, in order. Listed explicitly: ESM and jest cannot load them by glob. */
export const MIGRATIONS = [InitialSchema1764100000000, HotActivityUpdates1764900000000, SessionSharing1765000000000];
