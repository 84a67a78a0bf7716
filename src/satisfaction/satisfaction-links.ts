import { jwtVerify, SignJWT } from 'jose';
import { invalid } from '../http/errors.js';
import type { Rating } from './rating.js';

/** How long a satisfaction request can be answered (and its answer changed), unless the ticket is closed first. */
export const ANSWER_DAYS = 14;
const AUDIENCE = 'helpline:satisfaction';
const ISSUER = 'helpline';

export const invalidLink = () => invalid('invalid_satisfaction_link', 'This satisfaction link is not valid');

/**
 * A link's token: signed with the server's secret, naming one ticket and expiring with its
 * request. Its own audience keeps it from ever passing as an access token (which needs a
 * session id besides) and an access token from passing as a link.
 */
export async function satisfactionToken(secret: Uint8Array, ticketId: string, expiresAt: Date): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(ticketId)
    .setAudience(AUDIENCE)
    .setIssuer(ISSUER)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secret);
}

/** The ticket a token names; any fault (tampered, expired, another kind of token) is the same 400. */
export async function ticketOfToken(secret: Uint8Array, token: string, now: Date): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER, currentDate: now, requiredClaims: ['exp', 'sub'] });
    if (typeof payload.sub !== 'string') throw new Error('mistyped subject');
    return payload.sub;
  } catch {
    throw invalidLink();
  }
}

/** The public page a mail links to; `rating` makes a click the answer. */
export const satisfactionUrl = (publicUrl: string, token: string, rating?: Rating): string =>
  `${publicUrl}/satisfaction?token=${encodeURIComponent(token)}${rating ? `&rating=${rating}` : ''}`;
