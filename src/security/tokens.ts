import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { ACCESS_TOKEN_SECONDS, issueAccessToken } from '../auth/tokens.js';
import type { TestApp } from '../test/app.js';
import { createUser } from '../test/factories.js';
import type { SecurityDesk } from './desk.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Every way an `Authorization` header can be wrong, each a full header value (or
 * `undefined` for none). The ones signed with the real key prove the server checks more
 * than the signature: issuer, expiry, the session and that it belongs to the subject.
 */
export async function badTokens(t: TestApp, desk: SecurityDesk): Promise<Record<string, string | undefined>> {
  const secret = t.ctx.config.jwtSecret;
  const now = t.clock.now();
  const customer = desk.customer;
  const [header = '', , signature = ''] = customer.accessToken.split('.');
  const claims = claimsOf(customer.accessToken);
  const sign = (payload: Record<string, unknown>, alg = 'HS256', key: Uint8Array = secret) => new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);

  // A user who logged out, and one a manager deactivated: their tokens are still unexpired.
  const loggedOut = await createUser(t);
  const logout = await t.request({ method: 'POST', url: '/api/auth/logout', token: loggedOut.accessToken, body: { refreshToken: loggedOut.refreshToken } });
  expect(logout.statusCode).toBe(204);
  const deactivated = await createUser(t);
  const patch = await t.request({ method: 'PATCH', url: `/api/users/${deactivated.user.id}`, token: desk.manager.accessToken, body: { active: false } });
  expect(patch.statusCode).toBe(200);

  return {
    none: undefined,
    'empty bearer': 'Bearer ',
    'other scheme': `Basic ${Buffer.from('manager@localhost:password').toString('base64')}`,
    'lower-case scheme with garbage': 'bearer not-a-token',
    garbage: 'Bearer not.a.token',
    'two tokens': `Bearer ${customer.accessToken} ${desk.manager.accessToken}`,
    'alg none': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: desk.manager.user.id, sid: desk.manager.sessionId })}.`,
    'alg HS512 with the real key': `Bearer ${await sign(claims, 'HS512')}`,
    'other key': `Bearer ${await sign(claims, 'HS256', new TextEncoder().encode('another-secret-another-secret-another-secret!'))}`,
    'edited claims (subject made the manager)': `Bearer ${header}.${b64({ ...claims, sub: desk.manager.user.id })}.${signature}`,
    'edited claims (role added)': `Bearer ${header}.${b64({ ...claims, role: 'manager', permissions: ['users.manage'] })}.${signature}`,
    expired: `Bearer ${await issueAccessToken(secret, { userId: customer.user.id, sessionId: customer.sessionId }, new Date(now.getTime() - (ACCESS_TOKEN_SECONDS + 5) * 1000))}`,
    'wrong issuer': `Bearer ${await sign({ ...claims, iss: 'someone-else' })}`,
    'no session claim': `Bearer ${await sign({ sub: customer.user.id, iss: 'helpline', iat: claims.iat, exp: claims.exp })}`,
    "another user's session": `Bearer ${await issueAccessToken(secret, { userId: customer.user.id, sessionId: desk.manager.sessionId }, now)}`,
    'unknown user': `Bearer ${await issueAccessToken(secret, { userId: randomUUID(), sessionId: randomUUID() }, now)}`,
    'malformed ids': `Bearer ${await issueAccessToken(secret, { userId: "' OR 1=1 --", sessionId: 'x' }, now)}`,
    'revoked session': `Bearer ${loggedOut.accessToken}`,
    'deactivated user': `Bearer ${deactivated.accessToken}`,
  };
}
