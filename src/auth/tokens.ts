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

/**
 * Every request verifies a token, so the key is imported into WebCrypto once here: handed
 * the raw secret, jose would import it again on every call, several times the cost of the
 * HMAC itself. Any failure (bad signature, other algorithm, expired, not yet valid, missing
 * or mistyped claims) is the same 401.
 */
export function accessTokenVerifier(secret: Uint8Array): AccessTokenVerifier {
  const key = crypto.subtle.importKey('raw', Uint8Array.from(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return async (token, now) => {
    try {
      const { payload } = await jwtVerify(token, await key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: now,
        requiredClaims: ['exp', 'sub', 'sid'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('mistyped claims');
      return { userId: payload.sub, sessionId: payload.sid };
    } catch {
      throw unauthenticated('The access token is invalid or expired');
    }
  };
}
