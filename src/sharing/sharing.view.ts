import type { SessionState } from '../kubernetes/resources.js';
import type { PermissionLevel } from '../sessions/share-rules.js';

/** §3.17 shapes. Optional timestamps are left out when not set. */
export interface ShareView {
  id: string;
  sessionId: string;
  ownerUserId: string | null;
  sharedWithUserId: string;
  permissionLevel: PermissionLevel;
  shareToken: string;
  createdAt: string;
  expiresAt?: string;
  acceptedAt?: string;
  user: { id: string; username: string; fullName: string; email: string };
}

export interface InvitationView {
  id: string;
  sessionId: string;
  createdBy: string | null;
  invitationToken: string;
  permissionLevel: PermissionLevel;
  maxUses: number;
  useCount: number;
  expiresAt?: string;
  createdAt: string;
  isExpired: boolean;
  isExhausted: boolean;
}

export interface CollaboratorView {
  id: string;
  sessionId: string;
  userId: string;
  permissionLevel: PermissionLevel;
  joinedAt: string;
  lastActivity: string;
  isActive: boolean;
  user: { username: string; fullName: string };
}

export interface SharedSessionView {
  id: string;
  ownerUserId: string | null;
  ownerUsername: string;
  templateName: string;
  state: SessionState;
  appType: 'desktop' | 'webapp';
  createdAt: string;
  sharedAt: string;
  permissionLevel: PermissionLevel;
  isShared: true;
  url?: string;
}
