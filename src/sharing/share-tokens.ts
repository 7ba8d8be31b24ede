import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Share and invitation tokens (§3.17): 32 bytes from the CSPRNG, base64url (43 characters). */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** How a token is looked up: by its SHA-256, so the lookup's timing says nothing about the token. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The stored token against the one presented, in constant time. */
export function sameToken(stored: string, presented: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Anything that could be a token: base64url of a sane length. Others are not looked up at all. */
export const looksLikeToken = (value: string): boolean => /^[A-Za-z0-9_-]{32,128}$/.test(value);
