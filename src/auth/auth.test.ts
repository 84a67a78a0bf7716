import { SignJWT } from 'jose';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, DEFAULT_PASSWORD } from '../test/factories.js';
import { users } from '../users/users.schema.js';
import { TOO_COMMON_PASSWORD } from '../users/password-strength.js';
import { ACCESS_TOKEN_SECONDS } from './tokens.js';

const MULTI_LINE_NAMES = ['Ann\nSmith', 'Ann\r\n\r\nIT Security: your account is locked', 'Ann\tSmith', 'Ann\u0007', 'Ann\u0085Smith', 'Ann\u2028Smith'];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describeEachDatabase('auth', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  const register = (body: unknown) => t.request({ method: 'POST', url: '/api/auth/register', body });
  const login = (email: string, password: string) => t.request({ method: 'POST', url: '/api/auth/login', body: { email, password } });
  const me = (token: string) => t.request({ method: 'GET', url: '/api/auth/me', token });
  const userCount = async () => (await t.database.db.select({ n: count() }).from(users))[0]?.n;

  it('registers a customer and returns tokens without a password hash', async () => {
    const response = await register({ email: 'Ann@Example.test', name: 'Ann', password: 'long enough' });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ expiresIn: ACCESS_TOKEN_SECONDS, user: { email: 'ann@example.test', name: 'Ann', role: 'customer', active: true } });
    expect(JSON.stringify(body)).not.toContain('argon2');
    const whoami = await me(body.accessToken as string);
    expect(whoami.json()).toMatchObject({ email: 'ann@example.test', permissions: ['tickets.create', 'tickets.reply'] });
  });

  it('refuses a role in the registration body and creates nothing', async () => {
    const before = await userCount();
    const response = await register({ email: 'mallory@example.test', name: 'M', password: 'long enough', role: 'manager' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_input');
    expect(await userCount()).toBe(before);
  });

  it('refuses duplicate emails case-insensitively, short passwords and bad emails', async () => {
    expect((await register({ email: 'dup@example.test', name: 'D', password: 'long enough' })).statusCode).toBe(201);
    const duplicate = await register({ email: 'DUP@example.test', name: 'D', password: 'long enough' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('email_taken');
    expect((await register({ email: 'x@example.test', name: 'X', password: 'short' })).statusCode).toBe(400);
    expect((await register({ email: 'not-an-email', name: 'X', password: 'long enough' })).statusCode).toBe(400);
    for (const email of ['me@example.test,attacker@example.test', 'Me <me@example.test>', '"me"@example.test', 'me;x@example.test']) {
      expect((await register({ email, name: 'X', password: 'long enough' })).statusCode, email).toBe(400);
    }
    expect((await register({ email: 'y@example.test', name: '', password: 'long enough' })).statusCode).toBe(400);
    // Valid JSON that PostgreSQL cannot store is still bad input, not a server fault.
    expect((await register({ email: 'nul@example.test', name: 'a\u0000b', password: 'long enough' })).statusCode).toBe(400);
    // JSON bodies are not coerced: a number is not a name.
    expect((await register({ email: 'z@example.test', name: 123, password: 'long enough' })).statusCode).toBe(400);
  });

  it('refuses common and easily guessed passwords, saying why beside the field, and creates nothing', async () => {
    const before = await userCount();
    for (const password of ['12345678', 'password', 'password123', 'qwertyuiop', 'Summer2024', 'rita.reset@example.test']) {
      const response = await register({ email: 'rita.reset@example.test', name: 'Rita Reset', password });
      expect(response.statusCode, password).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_input', details: [{ path: 'password', message: TOO_COMMON_PASSWORD }] });
    }
    expect(await userCount()).toBe(before);
    expect((await register({ email: 'rita.reset@example.test', name: 'Rita Reset', password: 'marmalade on the stairs' })).statusCode).toBe(201);
  });

  it('refuses a name with a line break or a control character, and creates nothing', async () => {
    const before = await userCount();
    for (const name of MULTI_LINE_NAMES) {
      const response = await register({ email: 'ann@example.test', name, password: 'long enough' });
      expect(response.statusCode, JSON.stringify(name)).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'invalid_input',
        details: [{ path: 'name', message: 'Name must be on one line, without control characters' }],
      });
    }
    expect(await userCount()).toBe(before);
    const accented = await register({ email: 'ann@example.test', name: 'Ann-Marie O’Brien Ünal 王', password: 'long enough' });
    expect(accented.statusCode).toBe(201);
    expect(accented.json().user.name).toBe('Ann-Marie O’Brien Ünal 王');
  });

  it('answers wrong password and unknown email with the same 401', async () => {
    const { user } = await createUser(t);
    const wrong = await login(user.email, 'wrong password');
    const unknown = await login('nobody@example.test', 'wrong password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect((await login(user.email.toUpperCase(), DEFAULT_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a deactivated user at login, refresh and with a live access token', async () => {
    const customer = await createUser(t);
    await t.database.db.update(users).set({ active: false }).where(eq(users.id, customer.user.id));
    expect((await login(customer.user.email, DEFAULT_PASSWORD)).statusCode).toBe(401);
    expect((await me(customer.accessToken)).statusCode).toBe(401);
    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: customer.refreshToken } })).statusCode).toBe(401);
  });

  it('rotates refresh tokens and revokes the family when a spent one is replayed', async () => {
    const customer = await createUser(t);
    const first = await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: customer.refreshToken } });
    expect(first.statusCode).toBe(200);
    const rotated = first.json().refreshToken as string;
    expect(rotated).not.toBe(customer.refreshToken);

    const replay = await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: customer.refreshToken } });
    expect(replay.statusCode).toBe(401);
    // The thief's replay ends the whole login: the rotated token and its access tokens die too.
    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: rotated } })).statusCode).toBe(401);
    expect((await me(first.json().accessToken as string)).statusCode).toBe(401);
    expect((await me(customer.accessToken)).statusCode).toBe(401);
  });

  it('logs out: the refresh token and the session access tokens stop working', async () => {
    const customer = await createUser(t);
    const other = await createUser(t);
    // Someone else's refresh token is not the caller's to revoke.
    await t.request({ method: 'POST', url: '/api/auth/logout', token: customer.accessToken, body: { refreshToken: other.refreshToken } });
    expect((await me(other.accessToken)).statusCode).toBe(200);

    const out = await t.request({ method: 'POST', url: '/api/auth/logout', token: customer.accessToken, body: { refreshToken: customer.refreshToken } });
    expect(out.statusCode).toBe(204);
    expect((await me(customer.accessToken)).statusCode).toBe(401);
    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: customer.refreshToken } })).statusCode).toBe(401);
  });

  it('answers 401 for missing, garbage, alg:none, other-key, expired and edited tokens', async () => {
    const customer = await createUser(t);
    const [header, payload] = customer.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const manager = await createUser(t, { role: 'manager' });
    const tokens = {
      none: '',
      garbage: 'not.a.token',
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      otherKey: await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-another-secret')),
      editedToManager: `${header}.${b64({ ...claims, sub: manager.user.id, role: 'manager' })}.${customer.accessToken.split('.')[2] ?? ''}`,
    };
    for (const [name, token] of Object.entries(tokens)) {
      const response = await me(token);
      expect(response.statusCode, name).toBe(401);
      expect(response.json().error.code, name).toBe('unauthenticated');
    }
    t.clock.advance((ACCESS_TOKEN_SECONDS + 1) * 1000);
    expect((await me(customer.accessToken)).statusCode).toBe(401);
  });

  it('applies a role change on the very next request', async () => {
    const manager = await createUser(t, { role: 'manager' });
    const agent = await createUser(t, { role: 'agent' });
    expect((await me(agent.accessToken)).json().permissions).toContain('tickets.read.all');
    const patch = await t.request({ method: 'PATCH', url: `/api/users/${agent.user.id}`, token: manager.accessToken, body: { role: 'customer' } });
    expect(patch.statusCode).toBe(200);
    const after = (await me(agent.accessToken)).json();
    expect(after.role).toBe('customer');
    expect(after.permissions).not.toContain('tickets.read.all');
  });

  it('rate limits login per email and address with Retry-After, a right password included', async () => {
    await t.close();
    t = await createTestApp(kind, { authRateLimit: { max: 3, windowMs: 60_000, loginPerIp: 100 } });
    const { user } = await createUser(t);
    for (let i = 0; i < 3; i++) expect((await login(user.email, 'wrong password')).statusCode).toBe(401);
    const limited = await login(user.email, DEFAULT_PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.code).toBe('rate_limited');
  });

  it('does not let wrong passwords from one address lock the owner out from another', async () => {
    await t.close();
    t = await createTestApp(kind, { authRateLimit: { max: 10, windowMs: 60_000, loginPerIp: 30 } });
    const { user } = await createUser(t);
    const attempt = (password: string, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email: user.email, password } });
    const attacker = '203.0.113.66';
    const owner = '198.51.100.20';
    const guesses: number[] = [];
    for (let i = 0; i < 12; i++) guesses.push((await attempt(`guess number ${i}`, attacker)).statusCode);
    expect(guesses).toEqual([...Array<number>(10).fill(401), 429, 429]);

    const ownerLogin = await attempt(DEFAULT_PASSWORD, owner);
    expect(ownerLogin.statusCode, 'the owner, from an address without failures').toBe(200);
    expect(ownerLogin.json().user.id).toBe(user.id);

    const stillLocked = await attempt(DEFAULT_PASSWORD, attacker);
    expect(stillLocked.statusCode, 'the attacking address stays locked, even with the right password').toBe(429);
    expect(Number(stillLocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(stillLocked.json().error.code).toBe('rate_limited');

    t.clock.advance(60_000);
    expect((await attempt(DEFAULT_PASSWORD, attacker)).statusCode, 'once the window has passed').toBe(200);
  });

  it('limits login per address across accounts', async () => {
    await t.close();
    t = await createTestApp(kind, { authRateLimit: { max: 10, windowMs: 60_000, loginPerIp: 3 } });
    const { user } = await createUser(t);
    const attempt = (email: string, password: string, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password } });
    const sprayed: number[] = [];
    for (let i = 0; i < 4; i++) sprayed.push((await attempt(`someone${i}@example.test`, 'wrong password', '203.0.113.9')).statusCode);
    expect(sprayed).toEqual([401, 401, 401, 429]);
    expect((await attempt(user.email, DEFAULT_PASSWORD, '203.0.113.10')).statusCode, 'another address').toBe(200);
  });

  it('rate limits registration per address across different emails', async () => {
    await t.close();
    t = await createTestApp(kind, { authRateLimit: { max: 2, windowMs: 60_000, loginPerIp: 100 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await register({ email: `r${i}@example.test`, name: 'R', password: 'long enough' })).statusCode);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });
});
