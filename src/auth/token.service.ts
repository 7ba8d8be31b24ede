import { randomUUID, webcrypto } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import type { Role } from '../common/principal.js';
import { isUuid } from '../common/uuid.js';

export const TOKEN_ISSUER = 'streamspace-api';
export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

export interface VerifiedToken {
  userId: string;
  jti: string;
  expiresAt: Date;
}

export const invalidToken = (reason: string) => new ApiError(401, 'Invalid or expired token', reason);

/** HS256 JWTs as api-contract §2.2 describes them. Only signs and verifies; no database. */
@Injectable()
export class TokenService {
  /** Imported once: handing jose the raw secret would import it again on every sign and verify. */
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(config: AppConfig) {
    this.key = webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(config.jwt.secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
  }

  async issue(user: { id: string; username: string; role: Role }): Promise<IssuedToken> {
    const jti = randomUUID();
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + TOKEN_LIFETIME_SECONDS;
    const token = await new SignJWT({ username: user.username, role: user.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setJti(jti)
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(await this.key);
    return { token, jti, expiresAt: new Date(expiresAt * 1000) };
  }

  /** Signature (HS256 only), issuer, exp and nbf; throws 401 `Invalid or expired token` with the reason. */
  async verify(token: string): Promise<VerifiedToken> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        requiredClaims: ['exp', 'jti', 'sub'],
      }));
    } catch (error) {
      throw invalidToken(verificationFailure(error));
    }
    if (!isUuid(payload.sub) || typeof payload.jti !== 'string' || payload.jti.length > 128)
      throw invalidToken('jwt claims malformed');
    return { userId: payload.sub, jti: payload.jti, expiresAt: new Date(payload.exp! * 1000) };
  }
}

function verificationFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'jwt expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return 'jwt not active';
    if (error.claim === 'iss') return 'jwt issuer invalid';
    return `jwt claim ${error.claim} invalid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'jwt algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'invalid signature';
  return 'jwt malformed';
}
