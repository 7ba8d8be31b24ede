export const ROLES = ['user', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the database's view of the token's user, plus the token itself. */
export interface Principal {
  id: string;
  username: string;
  role: Role;
  tokenId: string;
  tokenExpiresAt: Date;
}

const RANK: Record<Role, number> = { user: 0, operator: 1, admin: 2 };

/** admin ⊇ operator ⊇ user (§2.1). */
export function hasRole(principal: Pick<Principal, 'role'>, required: Role): boolean {
  return RANK[principal.role] >= RANK[required];
}

/** Ownership (§2.4): a user acts only on what is theirs; operators and admins on everything. */
export function mayActOn(principal: Pick<Principal, 'role' | 'username'>, ownerUsername: string): boolean {
  return principal.username === ownerUsername || hasRole(principal, 'operator');
}
