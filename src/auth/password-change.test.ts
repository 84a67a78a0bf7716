import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { TOO_COMMON_PASSWORD } from '../users/password-strength.js';
import { insertPasswordReset } from './password-resets.repository.js';
import { WRONG_CURRENT_PASSWORD } from './password-change.service.js';
import { newSecretToken } from './secret-tokens.js';

describeEachDatabase('changing the password in the app', (kind) => {
  let t: TestApp;
  let user: TestUser;
  beforeEach(async () => {
    t = await createTestApp(kind);
    user = await createUser(t, { name: 'Pat Changer' });
  });
  afterEach(() => t.close());

  const change = (body: unknown, token: string | null = user.accessToken) =>
    t.request({ method: 'POST', url: '/api/auth/password/change', body, ...(token === null ? {} : { token }) });
  const login = (password: string) => t.request({ method: 'POST', url: '/api/auth/login', body: { email: user.user.email, password } });
  const refresh = (refreshToken: string) => t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken } });

  it('sets the new password, keeps this session, ends the others and spends every reset link', async () => {
    const other = (await login(user.password)).json<{ accessToken: string; refreshToken: string }>();
    const { token: resetToken, hash } = newSecretToken();
    const now = t.clock.now();
    await insertPasswordReset(t.database.db, { userId: user.user.id, tokenHash: hash, createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000) });

    expect((await change({ currentPassword: user.password, newPassword: 'a much better passphrase' })).statusCode).toBe(204);

    expect((await login(user.password)).statusCode).toBe(401);
    expect((await login('a much better passphrase')).statusCode).toBe(200);
    // This session lives on; the other login is over, access and refresh alike.
    expect((await t.request({ method: 'GET', url: '/api/auth/me', token: user.accessToken })).statusCode).toBe(200);
    expect((await refresh(user.refreshToken)).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', token: other.accessToken })).statusCode).toBe(401);
    expect((await refresh(other.refreshToken)).statusCode).toBe(401);
    // A reset link mailed before the change sets nothing.
    const reset = await t.request({ method: 'POST', url: '/api/auth/password/reset', body: { token: resetToken, password: 'one more new password' } });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().error.code).toBe('invalid_reset_token');
  });

  it('refuses a wrong current password as a 400 naming that field, and keeps the session and the password', async () => {
    const wrong = await change({ currentPassword: 'not my password', newPassword: 'a much better passphrase' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toEqual({
      code: 'wrong_password',
      message: WRONG_CURRENT_PASSWORD,
      details: [{ path: 'currentPassword', message: WRONG_CURRENT_PASSWORD }],
    });
    expect((await t.request({ method: 'GET', url: '/api/auth/me', token: user.accessToken })).statusCode).toBe(200);
    expect((await login(user.password)).statusCode).toBe(200);
  });

  it('refuses a common or short new password beside its field', async () => {
    const common = await change({ currentPassword: user.password, newPassword: 'password' });
    expect(common.statusCode).toBe(400);
    expect(common.json().error).toMatchObject({ code: 'invalid_input', details: [{ path: 'newPassword', message: TOO_COMMON_PASSWORD }] });
    const named = await change({ currentPassword: user.password, newPassword: 'Pat Changer' });
    expect(named.json().error.details).toEqual([{ path: 'newPassword', message: TOO_COMMON_PASSWORD }]);
    const short = await change({ currentPassword: user.password, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details).toEqual([{ path: 'newPassword', message: 'New password must be at least 8 characters' }]);
    const extra = await change({ currentPassword: user.password, newPassword: 'a much better passphrase', userId: 'someone-else' });
    expect(extra.statusCode).toBe(400);
    expect((await login(user.password)).statusCode).toBe(200);
  });

  it('counts guesses at the current password like logins: a stolen token buys few, and the password stays', async () => {
    const limited = await createTestApp(kind, { authRateLimit: { ...t.ctx.config.authRateLimit, max: 3 } });
    try {
      const victim = await createUser(limited, { name: 'Vic Victim' });
      const guess = (currentPassword: string) =>
        limited.request({ method: 'POST', url: '/api/auth/password/change', token: victim.accessToken, body: { currentPassword, newPassword: 'attacker chosen passphrase' } });
      for (const attempt of ['guess one', 'guess two', 'guess three']) expect((await guess(attempt)).statusCode).toBe(400);
      const refused = await guess(victim.password);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      const login = await limited.request({ method: 'POST', url: '/api/auth/login', body: { email: victim.user.email, password: victim.password } });
      expect(login.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers 401 without a token, or with a token of an ended session', async () => {
    expect((await change({ currentPassword: user.password, newPassword: 'a much better passphrase' }, null)).statusCode).toBe(401);
    await t.request({ method: 'POST', url: '/api/auth/logout', token: user.accessToken, body: { refreshToken: user.refreshToken } });
    expect((await change({ currentPassword: user.password, newPassword: 'a much better passphrase' })).statusCode).toBe(401);
    expect((await login(user.password)).statusCode).toBe(200);
  });
});
