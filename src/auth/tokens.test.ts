import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_SECONDS, accessTokenVerifier, issueAccessToken } from './tokens.js';

const secret = new TextEncoder().encode('a-test-secret-of-at-least-thirty-two-characters');
const verify = accessTokenVerifier(secret);
const now = new Date('2026-03-02T10:00:00Z');
const nowSeconds = now.getTime() / 1000;
const ids = { userId: '00000000-0000-4000-8000-000000000001', sessionId: '00000000-0000-4000-8000-000000000002' };
const claims = { sub: ids.userId, sid: ids.sessionId, iss: 'helpline', iat: nowSeconds, exp: nowSeconds + 60 };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256' }, key = secret) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256', ...header }).sign(key);

const refuses = (token: string, at = now) => {
  expect(() => verify(token, at)).toThrow(expect.objectContaining({ kind: 'unauthenticated' }));
};

describe('access tokens', () => {
  it('accepts the tokens it issues until they expire', async () => {
    const token = await issueAccessToken(secret, ids, now);
    expect(verify(token, now)).toEqual(ids);
    expect(verify(token, new Date(now.getTime() + (ACCESS_TOKEN_SECONDS - 1) * 1000))).toEqual(ids);
    refuses(token, new Date(now.getTime() + ACCESS_TOKEN_SECONDS * 1000));
  });

  it('refuses another algorithm, alg none, critical headers and another key', async () => {
    refuses(await sign(claims, { alg: 'HS512' }));
    refuses(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
    refuses(await sign(claims, { crit: ['b64'], b64: true }));
    const relabelled = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims)}`;
    refuses(`${relabelled}.${createHmac('sha256', secret).update(relabelled).digest('base64url')}`);
    refuses(await sign(claims, {}, new TextEncoder().encode('another-secret-another-secret-another-secret')));
  });

  it('refuses edited headers, claims and signatures', async () => {
    const [header = '', payload = '', signature = ''] = (await sign(claims)).split('.');
    refuses(`${header}.${b64({ ...claims, sub: '00000000-0000-4000-8000-000000000003' })}.${signature}`);
    refuses(`${b64({ alg: 'HS256', typ: 'JWT' })}.${payload}.${signature}`);
    refuses(`${header}.${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`);
    refuses(`${header}.${payload}.${signature}.`);
    refuses(`${header}.${payload}`);
    refuses(`${header}.${payload}.${signature}=`);
  });

  it('refuses a signature whose unused bits differ, though it decodes to the same bytes', async () => {
    const token = await sign(claims);
    const last = token.at(-1) ?? '';
    // The last of 43 base64url characters carries 4 bits; the 2 below them are padding.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    const twin = `${token.slice(0, -1)}${sibling}`;
    expect(Buffer.from(twin.split('.')[2] ?? '', 'base64url')).toEqual(Buffer.from(token.split('.')[2] ?? '', 'base64url'));
    refuses(twin);
  });

  it('refuses a wrong issuer, a token not yet valid, and missing or mistyped claims', async () => {
    refuses(await sign({ ...claims, iss: 'someone-else' }));
    refuses(await sign({ ...claims, nbf: nowSeconds + 5 }));
    expect(verify(await sign({ ...claims, nbf: nowSeconds }), now)).toEqual(ids);
    refuses(await sign({ ...claims, exp: undefined }));
    refuses(await sign({ ...claims, exp: String(claims.exp) }));
    refuses(await sign({ ...claims, iat: 'yesterday' }));
    refuses(await sign({ ...claims, sid: undefined }));
    refuses(await sign({ ...claims, sub: 42 }));
  });

  it('refuses garbage', () => {
    for (const token of ['', 'not-a-token', 'not.a.token', '..', 'a.b.c.d', `${b64([1])}.${b64(claims)}.x`]) refuses(token);
  });
});
