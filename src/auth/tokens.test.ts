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

const refuses = async (token: string, at = now) => {
  await expect(verify(token, at)).rejects.toMatchObject({ kind: 'unauthenticated' });
};

describe('access tokens', () => {
  it('accepts the tokens it issues until they expire', async () => {
    const token = await issueAccessToken(secret, ids, now);
    await expect(verify(token, now)).resolves.toEqual(ids);
    await expect(verify(token, new Date(now.getTime() + (ACCESS_TOKEN_SECONDS - 1) * 1000))).resolves.toEqual(ids);
    await refuses(token, new Date(now.getTime() + ACCESS_TOKEN_SECONDS * 1000));
  });

  it('refuses another algorithm, alg none, critical headers and another key', async () => {
    await refuses(await sign(claims, { alg: 'HS512' }));
    await refuses(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
    const critical = `${b64({ alg: 'HS256', crit: ['urn:example:must-understand'], 'urn:example:must-understand': true })}.${b64(claims)}`;
    await refuses(`${critical}.${createHmac('sha256', secret).update(critical).digest('base64url')}`);
    const relabelled = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims)}`;
    await refuses(`${relabelled}.${createHmac('sha256', secret).update(relabelled).digest('base64url')}`);
    await refuses(await sign(claims, {}, new TextEncoder().encode('another-secret-another-secret-another-secret')));
  });

  it('refuses edited headers, claims and signatures', async () => {
    const [header = '', payload = '', signature = ''] = (await sign(claims)).split('.');
    await refuses(`${header}.${b64({ ...claims, sub: '00000000-0000-4000-8000-000000000003' })}.${signature}`);
    await refuses(`${b64({ alg: 'HS256', typ: 'JWT' })}.${payload}.${signature}`);
    await refuses(`${header}.${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`);
    await refuses(`${header}.${payload}.${signature}.`);
    await refuses(`${header}.${payload}`);
  });

  it('refuses a wrong issuer, a token not yet valid, and missing or mistyped claims', async () => {
    await refuses(await sign({ ...claims, iss: 'someone-else' }));
    await refuses(await sign({ ...claims, nbf: nowSeconds + 5 }));
    await expect(verify(await sign({ ...claims, nbf: nowSeconds }), now)).resolves.toEqual(ids);
    await refuses(await sign({ ...claims, exp: undefined }));
    await refuses(await sign({ ...claims, exp: String(claims.exp) }));
    await refuses(await sign({ ...claims, iat: 'yesterday' }));
    await refuses(await sign({ ...claims, sid: undefined }));
    await refuses(await sign({ ...claims, sub: 42 }));
  });

  it('holds a token it verified before to the same window', async () => {
    const token = await sign({ ...claims, nbf: nowSeconds });
    await expect(verify(token, now)).resolves.toEqual(ids);
    await refuses(token, new Date(now.getTime() - 1000));
    await expect(verify(token, now)).resolves.toEqual(ids);
    await refuses(token, new Date(now.getTime() + 60_000));
    await refuses(token, new Date(now.getTime() + 61_000));
    await expect(verify(token, new Date(now.getTime() + 59_000))).resolves.toEqual(ids);
  });

  it('refuses garbage', async () => {
    for (const token of ['', 'not-a-token', 'not.a.token', '..', 'a.b.c.d', `${b64([1])}.${b64(claims)}.x`]) await refuses(token);
  });
});
