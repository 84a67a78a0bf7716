import { SignJWT, jwtVerify } from 'jose';
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

/** Any failure (bad signature, other algorithm, expired, missing claims) is the same 401. */
export async function verifyAccessToken(secret: Uint8Array, token: string, now: Date): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('missing claims');
    return { userId: payload.sub, sessionId: payload.sid };
  } catch {
    throw unauthenticated('The access token is invalid or expired');
  }
}
