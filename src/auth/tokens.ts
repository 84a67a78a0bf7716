import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
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

export type AccessTokenVerifier = (token: string, now: Date) => AccessClaims;

/**
 * Every request verifies a token, so the key is imported once here rather than per call
 * (jose imports a raw secret through WebCrypto each time: ten times the cost of the HMAC).
 * Any failure (bad signature, other algorithm, expired, not yet valid, missing claims) is
 * the same 401.
 */
export function accessTokenVerifier(secret: Uint8Array): AccessTokenVerifier {
  const key = createSecretKey(secret);
  return (token, now) => {
    const claims = verifiedClaims(key, token, now);
    if (!claims) throw unauthenticated('The access token is invalid or expired');
    return claims;
  };
}

const COMPACT_JWS = /^([\w-]+)\.([\w-]+)\.([\w-]+)$/;

function verifiedClaims(key: KeyObject, token: string, now: Date): AccessClaims | undefined {
  const parts = COMPACT_JWS.exec(token);
  if (!parts) return undefined;
  const [, header = '', payload = '', signature = ''] = parts;
  // Comparing the encoded text, not decoded bytes, also refuses a signature re-encoded with other padding bits.
  const expected = Buffer.from(createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  // The MAC proves we signed it; the header still has to say so, since another HMAC algorithm must not pass.
  const head = decodeJson(header);
  if (head?.alg !== 'HS256' || 'crit' in head) return undefined;
  const claims = decodeJson(payload);
  if (!claims || claims.iss !== ISSUER || !isActiveAt(claims, Math.floor(now.getTime() / 1000))) return undefined;
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return undefined;
  return { userId: claims.sub, sessionId: claims.sid };
}

function isActiveAt(claims: Record<string, unknown>, nowSeconds: number): boolean {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== 'number' || nowSeconds >= exp) return false;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSeconds)) return false;
  return iat === undefined || typeof iat === 'number';
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
