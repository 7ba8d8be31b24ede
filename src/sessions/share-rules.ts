import { ApiError } from '../common/api-error.js';

/** What a share lets another user do with one session (api-contract §3.17). */
export const PERMISSION_LEVELS = ['view', 'collaborate', 'control'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

/**
 * What a route needs of its caller on a session: `view` (read it, connect, heartbeat, disconnect,
 * its connections, activity and collaborators), `control` (change its state) or `manage` (delete,
 * tag, share: the owner, operators and admins only).
 */
export type SessionNeed = 'view' | 'control' | 'manage';

const RANK: Record<PermissionLevel, number> = { view: 0, collaborate: 1, control: 2 };

export function shareAllows(level: PermissionLevel, need: SessionNeed): boolean {
  if (need === 'manage') return false;
  return need === 'view' || level === 'control';
}

/** The higher of two levels: accepting an invitation never lowers an existing share. */
export function higherLevel(a: PermissionLevel, b: PermissionLevel): PermissionLevel {
  return RANK[a] >= RANK[b] ? a : b;
}

export const beyondShare = () => new ApiError(403, 'Forbidden', 'Your share of this session does not allow this');
