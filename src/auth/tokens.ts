import { jwtVerify, SignJWT } from 'jose';
import { unauthenticated } from '../http/errors.js';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
const ISSUER = 'helpline';

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export async function issueAccessToken(secret: Uint8Array, claims: AccessClaims, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN_SECONDS)
    .sign(secret);
}

/** A valid token whose session was revoked or whose account was deactivated since: the same 401 on every route. */
export const sessionEnded = () => unauthenticated('The session has ended or the account is inactive');

export type AccessTokenVerifier = (token: string, now: Date) => Promise<AccessClaims>;

/** A token verified once, and the seconds between which its claims hold. */
interface VerifiedToken {
  claims: AccessClaims;
  notBefore: number;
  expiresAt: number;
}

/** Clients send the same token with every request for its 15 minutes: one entry per live session, bounded. */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Every request verifies a token, so the key is imported into WebCrypto once here: handed
 * the raw secret, jose would import it again on every call, several times the cost of the
 * HMAC itself. Any failure (bad signature, other algorithm, expired, not yet valid, missing
 * or mistyped claims) is the same 401.
 *
 * A client sends the same token on every request until it expires, and WebCrypto's HMAC
 * was a tenth of a request's CPU: a token that verified is remembered by its exact text,
 * with its validity window checked again on every use. Only the signature's answer is
 * reused; the session and the account are still read on every request.
 */
export function accessTokenVerifier(secret: Uint8Array): AccessTokenVerifier {
  const key = crypto.subtle.importKey('raw', Uint8Array.from(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const verified = new Map<string, VerifiedToken>();
  return async (token, now) => {
    const seconds = Math.floor(now.getTime() / 1000);
    const known = verified.get(token);
    if (known) {
      if (known.notBefore <= seconds && seconds < known.expiresAt) return known.claims;
      if (seconds >= known.expiresAt) verified.delete(token);
      throw unauthenticated('The access token is invalid or expired');
    }
    try {
      const { payload } = await jwtVerify(token, await key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: now,
        requiredClaims: ['exp', 'sub', 'sid'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || payload.exp === undefined) throw new Error('mistyped claims');
      const claims = { userId: payload.sub, sessionId: payload.sid };
      if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value as string);
      verified.set(token, { claims, notBefore: payload.nbf ?? -Infinity, expiresAt: payload.exp });
      return claims;
    } catch {
      throw unauthenticated('The access token is invalid or expired');
    }
  };
}
