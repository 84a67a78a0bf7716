import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startMailWorker, type MailWorker } from '../mail/mail-worker.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../test/smtp.js';
import { TOO_COMMON_PASSWORD } from '../users/password-strength.js';
import { mailOutbox } from '../mail/mail.schema.js';
import { insertPasswordReset } from './password-resets.repository.js';
import { newSecretToken } from './secret-tokens.js';

describeEachDatabase('password reset by mail', (kind) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let worker: MailWorker;
  let customer: TestUser;
  beforeEach(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp(kind, { smtp: smtp.smtp });
    worker = await startMailWorker(t.ctx, { pollIntervalMs: 50 });
    customer = await createUser(t, { name: 'Rita <b>Reset</b>' });
  });
  afterEach(async () => {
    await worker.stop();
    await t.close();
    await smtp.stop();
  });

  const forgot = (email: string) => t.request({ method: 'POST', url: '/api/auth/password/forgot', body: { email } });
  const reset = (token: string, password: string) =>
    t.request({ method: 'POST', url: '/api/auth/password/reset', body: { token, password } });
  const tokenFrom = (text: string): string => {
    const match = /reset-password\?token=([\w%-]+)/.exec(text);
    if (!match?.[1]) throw new Error(`no reset link in: ${text}`);
    return decodeURIComponent(match[1]);
  };

  it('mails a single-use link that sets the password and ends old sessions', async () => {
    expect((await forgot(customer.user.email.toUpperCase())).statusCode).toBe(202);
    const [mail] = await smtp.waitForMessages(1);
    expect(mail?.to).toEqual([customer.user.email]);
    expect(mail?.html).toContain('Rita &lt;b&gt;Reset&lt;/b&gt;');
    expect(mail?.html).not.toContain('<b>Reset</b>');
    const token = tokenFrom(mail?.text ?? '');

    expect((await reset(token, 'brand new password')).statusCode).toBe(204);
    const again = await reset(token, 'another new password');
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('invalid_reset_token');

    expect((await t.request({ method: 'POST', url: '/api/auth/refresh', body: { refreshToken: customer.refreshToken } })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', token: customer.accessToken })).statusCode).toBe(401);
    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: customer.user.email, password: 'brand new password' } });
    expect(login.statusCode).toBe(200);
  });

  it('refuses a common password without spending the link', async () => {
    await forgot(customer.user.email);
    const [mail] = await smtp.waitForMessages(1);
    const token = tokenFrom(mail?.text ?? '');
    const weak = await reset(token, 'password');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toMatchObject({ code: 'invalid_input', details: [{ path: 'password', message: TOO_COMMON_PASSWORD }] });
    const old = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: customer.user.email, password: customer.password } });
    expect(old.statusCode).toBe(200);
    expect((await reset(token, 'brand new password')).statusCode).toBe(204);
  });

  it('lets only the newest link work: an older one is refused before and after the newer is used', async () => {
    await forgot(customer.user.email);
    t.clock.advance(t.ctx.config.passwordResetMailIntervalMs);
    await forgot(customer.user.email);
    const mails = await smtp.waitForMessages(2);
    const [older, newer] = mails.map((mail) => tokenFrom(mail.text));
    if (!older || !newer || older === newer) throw new Error('expected two different links');

    const early = await reset(older, 'brand new password');
    expect(early.statusCode).toBe(400);
    expect(early.json().error.code).toBe('invalid_reset_token');
    expect((await reset(newer, 'brand new password')).statusCode).toBe(204);
    const late = await reset(older, 'password of the attacker');
    expect(late.statusCode).toBe(400);
    expect(late.json().error.code).toBe('invalid_reset_token');
    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: customer.user.email, password: 'brand new password' } });
    expect(login.statusCode).toBe(200);
  });

  it('sends at most one mail per interval while its link is unused, and says nothing about it', async () => {
    const resetMails = async () =>
      (await t.database.db.select().from(mailOutbox).where(and(eq(mailOutbox.kind, 'password_reset'), eq(mailOutbox.toAddress, customer.user.email))))
        .length;
    const asked = await forgot(customer.user.email);
    expect(asked.statusCode).toBe(202);
    t.clock.advance(t.ctx.config.passwordResetMailIntervalMs - 1000);
    const again = await forgot(customer.user.email);
    expect([again.statusCode, again.body]).toEqual([asked.statusCode, asked.body]);
    expect(await resetMails()).toBe(1);
    const [mail] = await smtp.waitForMessages(1);
    const first = tokenFrom(mail?.text ?? '');

    // The link of the mail that went out still works: the quiet request spent nothing.
    expect((await reset(first, 'brand new password')).statusCode).toBe(204);
    // Once it is used, a new request within the interval is answered with a new mail.
    await forgot(customer.user.email);
    expect(await resetMails()).toBe(2);
    // And after the interval, another.
    t.clock.advance(t.ctx.config.passwordResetMailIntervalMs);
    await forgot(customer.user.email);
    expect(await resetMails()).toBe(3);
  });

  it('spends every other outstanding link of the user when one is used (two requests that raced)', async () => {
    const now = t.clock.now();
    const issue = async () => {
      const { token, hash } = newSecretToken();
      await insertPasswordReset(t.database.db, { userId: customer.user.id, tokenHash: hash, createdAt: now, expiresAt: new Date(now.getTime() + 60_000) });
      return token;
    };
    const [first, second] = [await issue(), await issue()];
    expect((await reset(second, 'brand new password')).statusCode).toBe(204);
    const other = await reset(first, 'password of the attacker');
    expect(other.statusCode).toBe(400);
    expect(other.json().error.code).toBe('invalid_reset_token');
  });

  it('answers 202 for unknown emails and sends nothing', async () => {
    expect((await forgot('nobody@example.test')).statusCode).toBe(202);
    await worker.drain();
    expect(smtp.messages).toHaveLength(0);
  });

  it('refuses an expired or made-up token and keeps the old password', async () => {
    await forgot(customer.user.email);
    const [mail] = await smtp.waitForMessages(1);
    t.clock.advance(61 * 60 * 1000);
    expect((await reset(tokenFrom(mail?.text ?? ''), 'brand new password')).statusCode).toBe(400);
    expect((await reset('made-up-token', 'brand new password')).statusCode).toBe(400);
    expect((await reset('x', 'short')).statusCode).toBe(400);
    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: customer.user.email, password: customer.password } });
    expect(login.statusCode).toBe(200);
  });
});
