import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mailOutbox } from '../mail/mail.schema.js';
import { startMailWorker, type MailWorker } from '../mail/mail-worker.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../test/smtp.js';
import { MAX_VERIFICATION_MAILS_PER_DAY, VERIFICATION_TOKEN_MS } from './email-verification.service.js';

const PHISHING = 'Your account is locked, unlock it at https://helpline-login.example.net';

describeEachDatabase('email verification', (kind) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let worker: MailWorker;
  beforeEach(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp(kind, { smtp: smtp.smtp });
    worker = await startMailWorker(t.ctx, { pollIntervalMs: 50 });
  });
  afterEach(async () => {
    await worker.stop();
    await t.close();
    await smtp.stop();
  });

  interface Registered {
    email: string;
    accessToken: string;
    refreshToken: string;
    user: { id: string; emailVerified: boolean };
  }

  async function register(email: string, name = 'Vic Tim'): Promise<Registered> {
    const response = await t.request({ method: 'POST', url: '/api/auth/register', body: { email, name, password: 'long enough password' } });
    expect(response.statusCode, response.body).toBe(201);
    return { email, ...response.json<Omit<Registered, 'email'>>() };
  }

  /** Access tokens live 15 minutes; tests that move the clock further sign in again. */
  const signIn = async (email: string): Promise<string> => {
    const response = await t.request({ method: 'POST', url: '/api/auth/login', body: { email, password: 'long enough password' } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ accessToken: string }>().accessToken;
  };
  const verify = (token: string) => t.request({ method: 'POST', url: '/api/auth/email/verify', body: { token } });
  const resend = (token?: string) => t.request({ method: 'POST', url: '/api/auth/email/resend', ...(token ? { token } : {}) });
  const me = async (token: string) => (await t.request({ method: 'GET', url: '/api/auth/me', token })).json<{ emailVerified: boolean }>();
  const openTicket = async (token: string, subject: string) => {
    const response = await t.request({ method: 'POST', url: '/api/tickets', token, body: { subject, description: 'Please help' } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>();
  };

  /** Everything queued is sent before counting, so a mail still on its way cannot hide. */
  async function mailsTo(address: string): Promise<ReceivedMail[]> {
    await worker.drain();
    const pending = await t.database.db.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.status, 'pending'));
    expect(pending, 'every queued mail was sent').toEqual([]);
    return smtp.messages.filter((mail) => mail.envelopeTo.includes(address));
  }

  const linkToken = (mail: ReceivedMail | undefined): string => {
    const match = /verify-email\?token=([\w%-]+)/.exec(mail?.text ?? '');
    if (!match?.[1]) throw new Error(`no verification link in: ${mail?.text ?? '(no mail)'}`);
    return decodeURIComponent(match[1]);
  };

  it('mails a registered but unproven address only its verification link, however many tickets are opened', async () => {
    const victim = await register('victim@elsewhere.test', PHISHING);
    expect(victim.user.emailVerified).toBe(false);
    for (let i = 0; i < 30; i++) await openTicket(victim.accessToken, `Ticket ${i}: ${PHISHING}`);

    const mails = await mailsTo('victim@elsewhere.test');
    expect(mails).toHaveLength(1);
    const [verification] = mails;
    expect(verification?.subject).toBe('Confirm your email address for Helpline');
    // Nothing the registrant typed reaches the unproven address.
    expect(verification?.text).not.toContain('helpline-login.example.net');
    expect(verification?.html).not.toContain('helpline-login.example.net');

    // The portal works meanwhile: the tickets are there.
    const list = await t.request({ method: 'GET', url: '/api/tickets?limit=100', token: victim.accessToken });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(30);
  });

  it('lets receipts and replies flow once the owner followed the link', async () => {
    const customer = await register('cora@example.test', 'Cora Customer');
    const token = linkToken((await mailsTo(customer.email))[0]);
    expect((await verify(token)).statusCode).toBe(204);
    expect(await me(customer.accessToken)).toMatchObject({ emailVerified: true });

    await openTicket(customer.accessToken, 'Printer on fire');
    const mails = await mailsTo(customer.email);
    expect(mails.map((mail) => mail.subject)).toEqual(['Confirm your email address for Helpline', expect.stringContaining('Printer on fire')]);
  });

  it('records in-app notifications for an unverified customer but mails them nothing', async () => {
    const customer = await register('quiet@example.test', 'Quiet Customer');
    const agent = await createUser(t, { role: 'agent' });
    const ticket = await openTicket(customer.accessToken, 'Where is my order');
    const reply = await t.request({ method: 'POST', url: `/api/tickets/${ticket.id}/messages`, token: agent.accessToken, body: { body: 'On its way' } });
    expect(reply.statusCode, reply.body).toBe(201);

    expect(await mailsTo(customer.email)).toHaveLength(1);
    const notifications = await t.request({ method: 'GET', url: '/api/notifications', token: customer.accessToken });
    expect(notifications.json<{ items: { type: string }[] }>().items.map((item) => item.type)).toContain('staff_reply');
  });

  it('refuses a used, an expired and a forged link', async () => {
    const customer = await register('links@example.test');
    const token = linkToken((await mailsTo(customer.email))[0]);

    const forged = await verify('x'.repeat(43));
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error).toMatchObject({ code: 'invalid_verification_token', message: 'This verification link is invalid, used or expired' });

    t.clock.advance(VERIFICATION_TOKEN_MS);
    expect((await verify(token)).json().error.code).toBe('invalid_verification_token');
    const accessToken = await signIn(customer.email);
    expect(await me(accessToken)).toMatchObject({ emailVerified: false });

    // A fresh link works once.
    expect((await resend(accessToken)).statusCode).toBe(202);
    const fresh = linkToken((await mailsTo(customer.email))[1]);
    expect((await verify(fresh)).statusCode).toBe(204);
    const again = await verify(fresh);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('invalid_verification_token');
  });

  it('resends to the signed-in owner at most once per interval and a few times a day; the older link stops working', async () => {
    const customer = await register('again@example.test');
    const first = linkToken((await mailsTo(customer.email))[0]);

    // The registration's own mail counts.
    const soon = await resend(customer.accessToken);
    expect(soon.statusCode).toBe(429);
    expect(soon.json().error.code).toBe('verification_mail_recent');
    expect(Number(soon.headers['retry-after'])).toBe(t.ctx.config.emailVerificationMailIntervalMs / 1000);

    t.clock.advance(t.ctx.config.emailVerificationMailIntervalMs);
    expect((await resend(customer.accessToken)).statusCode).toBe(202);
    const second = linkToken((await mailsTo(customer.email))[1]);
    expect((await verify(first)).statusCode, 'the older link is spent').toBe(400);

    for (let sent = 2; sent < MAX_VERIFICATION_MAILS_PER_DAY; sent++) {
      t.clock.advance(t.ctx.config.emailVerificationMailIntervalMs);
      expect((await resend(await signIn(customer.email))).statusCode).toBe(202);
    }
    t.clock.advance(t.ctx.config.emailVerificationMailIntervalMs);
    const capped = await resend(await signIn(customer.email));
    expect(capped.statusCode, 'the daily cap').toBe(429);
    expect(Number(capped.headers['retry-after'])).toBeGreaterThan(t.ctx.config.emailVerificationMailIntervalMs / 1000);
    expect(await mailsTo(customer.email)).toHaveLength(MAX_VERIFICATION_MAILS_PER_DAY);
    expect((await verify(second)).statusCode).toBe(400);
  });

  it('answers 401 to a resend without a token and 409 once the address is verified', async () => {
    const anonymous = await resend();
    expect(anonymous.statusCode).toBe(401);
    const verified = await createUser(t);
    const done = await resend(verified.accessToken);
    expect(done.statusCode).toBe(409);
    expect(done.json().error.code).toBe('email_already_verified');
    expect(await mailsTo(verified.user.email)).toHaveLength(0);
  });

  it('counts a completed password reset as proof of the address; the reset mail carries no name meanwhile', async () => {
    const customer = await register('claim@example.test', PHISHING);
    const forgot = await t.request({ method: 'POST', url: '/api/auth/password/forgot', body: { email: customer.email } });
    expect(forgot.statusCode).toBe(202);
    const [, resetMail] = await mailsTo(customer.email);
    expect(resetMail?.text).not.toContain('helpline-login.example.net');
    const resetToken = /reset-password\?token=([\w%-]+)/.exec(resetMail?.text ?? '')?.[1] ?? '';
    const reset = await t.request({ method: 'POST', url: '/api/auth/password/reset', body: { token: decodeURIComponent(resetToken), password: 'a new long password' } });
    expect(reset.statusCode, reset.body).toBe(204);

    const login = await t.request({ method: 'POST', url: '/api/auth/login', body: { email: customer.email, password: 'a new long password' } });
    expect(login.json<{ user: { emailVerified: boolean } }>().user.emailVerified).toBe(true);
    await openTicket(login.json<{ accessToken: string }>().accessToken, 'Now mailed');
    expect(await mailsTo(customer.email)).toHaveLength(3);
  });

  it('creates verified accounts when a manager makes them', async () => {
    const manager: TestUser = await createUser(t, { role: 'manager' });
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      token: manager.accessToken,
      body: { email: 'new.agent@example.test', name: 'New Agent', role: 'agent', password: 'long enough password' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ emailVerified: true });
    expect((await mailsTo('new.agent@example.test')).map((mail) => mail.subject)).toEqual(['Your Helpline account']);
  });
});
