/**
 * The access rules of api-contract §3.7 as SQL conditions on an `installed_applications` alias,
 * for a user id parameter: the one implementation behind GET /applications/user and launch.
 * A group row grants visibility at any level and launch at `launch` or `admin`; without any group
 * row an application is open to everyone; its creator always has access.
 */

export const ACCESS_LEVELS = ['view', 'launch', 'admin'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
const LAUNCH_LEVELS: readonly AccessLevel[] = ['launch', 'admin'];

function grantedAccess(app: string, user: string, levels: readonly AccessLevel[]): string {
  return `(${app}.created_by IS NOT DISTINCT FROM ${user}::uuid
    OR NOT EXISTS (SELECT 1 FROM application_group_access ga WHERE ga.application_id = ${app}.id)
    OR EXISTS (SELECT 1 FROM application_group_access ga
                 JOIN group_memberships gm ON gm.group_id = ga.group_id AND gm.user_id = ${user}::uuid
                WHERE ga.application_id = ${app}.id AND ga.access_level IN (${levels.map((level) => `'${level}'`).join(', ')})))`;
}

/** Shown on the user's home page: enabled, installed, and granted at any level. */
export function visibleTo(app: string, user: string): string {
  return `(${app}.enabled AND ${app}.install_status = 'installed' AND ${grantedAccess(app, user, ACCESS_LEVELS)})`;
}

/** May be launched by the user (operators and admins are let through before this is asked). */
export function launchableBy(app: string, user: string): string {
  return grantedAccess(app, user, LAUNCH_LEVELS);
}
