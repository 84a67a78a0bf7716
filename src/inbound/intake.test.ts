import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mailOutbox } from '../mail/mail.schema.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, getJson, openTicket, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';
import { tickets } from '../tickets/tickets.schema.js';
import { findUserByEmail } from '../users/users.repository.js';
import { inboundMails } from './inbound.schema.js';
import { insertInbound } from './inbound.repository.js';
import { placeMail, placeWaitingMails, takeInMail, type IntakeResult } from './intake.service.js';
import { appleMailWithImage, gmailMail, outlookHtmlOnly, plainMail } from './mail-fixtures.js';

interface MessageJson {
  body: string;
  internal: boolean;
  authorId: string;
  attachments: { name: string; type: string; size: number }[];
}

describeEachDatabase('mail intake', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const source = { mailboxKey: 'test', mailboxId: null };
  const take = (raw: Buffer, uid?: number) => takeInMail(t.ctx, { ...source, uidValidity: uid === undefined ? undefined : 7, uid }, raw);
  const placed = (result: IntakeResult) => {
    expect(result).toMatchObject({ duplicate: false, status: 'placed' });
    return result.duplicate ? '' : (result.ticketId ?? '');
  };
  const ticketCount = async () => (await t.database.db.select({ n: count() }).from(tickets))[0]?.n ?? 0;
  const outboxCount = async () => (await t.database.db.select({ n: count() }).from(mailOutbox))[0]?.n ?? 0;
  const messagesOf = async (ticketId: string) =>
    (await getJson<{ items: MessageJson[] }>(t, desk.manager, `/api/tickets/${ticketId}/messages`)).items;
  const ticketOf = (ticketId: string) => getJson<TicketJson>(t, desk.manager, `/api/tickets/${ticketId}`);
  const replyTokenOf = (ticketId: string) => t.ctx.threads.replyAddress(ticketId) ?? '';

  it('opens a ticket for an unknown sender, whose replies land on it with the quoted history cut', async () => {
    const first = await take(gmailMail('I cannot log in since this morning.', { subject: 'Cannot log in' }));
    const ticketId = placed(first);
    const ticket = await ticketOf(ticketId);
    expect(ticket).toMatchObject({ subject: 'Cannot log in', description: 'I cannot log in since this morning.' });
    const customer = await findUserByEmail(t.database.db, 'gabriel@gmail.example');
    expect(customer).toMatchObject({ role: 'customer', name: 'Gabriel Gmail', id: ticket.requesterId });
    // The receipt goes out in the ticket's thread, answering to its signed reply address.
    const [receipt] = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, 'gabriel@gmail.example'));
    expect(receipt?.headers).toMatchObject({ 'Message-ID': t.ctx.threads.rootId(ticketId), 'Reply-To': replyTokenOf(ticketId) });

    const reply = await take(
      gmailMail('Thanks, it works again.', { subject: 'Re: Cannot log in', inReplyTo: t.ctx.threads.rootId(ticketId) }, 'We reset your account.\nBest, the desk'),
    );
    expect(placed(reply)).toBe(ticketId);
    const messages = await messagesOf(ticketId);
    expect(messages).toEqual([expect.objectContaining({ body: 'Thanks, it works again.', internal: false, authorId: ticket.requesterId })]);
    expect(await ticketCount()).toBe(1);
  });

  it('threads by the reply address alone (Outlook sends no References), HTML-only mail becoming clean text', async () => {
    const ticket = await openTicket(t, desk.customer);
    const raw = outlookHtmlOnly('The invoice is <b>still</b> wrong.', { from: desk.customer.user.email, to: replyTokenOf(ticket.id) });
    expect(placed(await take(raw))).toBe(ticket.id);
    const [message] = await messagesOf(ticket.id);
    expect(message?.body).toContain('The invoice is still wrong.');
    expect(message?.body).not.toMatch(/<|Earlier text we wrote|style/);
  });

  it('opens a new ticket for a forged token and for someone else’s token, never touching that ticket', async () => {
    const ticket = await openTicket(t, desk.customer);
    const good = replyTokenOf(ticket.id);
    const forged = good.replace(/([0-9a-f])@/, (_m, c: string) => `${c === '0' ? '1' : '0'}@`);
    const fromCustomer = await take(plainMail('Forged', { from: desk.customer.user.email, to: forged }));
    const fromOther = await take(plainMail('Not mine', { from: desk.otherCustomer.user.email, to: good, inReplyTo: t.ctx.threads.rootId(ticket.id) }));
    for (const result of [fromCustomer, fromOther]) expect(placed(result)).not.toBe(ticket.id);
    expect(await messagesOf(ticket.id)).toEqual([]);
    const otherTicket = await ticketOf(fromOther.duplicate ? '' : (fromOther.ticketId ?? ''));
    expect(otherTicket.requesterId).toBe(desk.otherCustomer.user.id);
  });

  it('posts a staff member’s mail as their public reply, and never turns a staff mail into a customer ticket', async () => {
    const ticket = await openTicket(t, desk.customer);
    const reply = await take(plainMail('We are on it.', { from: `Ada <${desk.agent.user.email.toUpperCase()}>`, to: replyTokenOf(ticket.id) }));
    expect(placed(reply)).toBe(ticket.id);
    expect(await messagesOf(ticket.id)).toEqual([expect.objectContaining({ body: 'We are on it.', internal: false, authorId: desk.agent.user.id })]);
    expect((await ticketOf(ticket.id)).firstResponseAt).not.toBeNull();

    const stray = await take(plainMail('Lunch?', { from: desk.agent.user.email }));
    expect(stray).toMatchObject({ status: 'failed', ticketId: null });
    expect(await ticketCount()).toBe(1);
  });

  it('takes a mail once: the same Message-ID or the same mailbox UID again is a duplicate', async () => {
    const raw = plainMail('Once only', { messageId: '<once@plain.example>' });
    placed(await take(raw, 1));
    expect(await take(raw, 2)).toEqual({ duplicate: true });
    expect(await take(plainMail('Other mail, same UID'), 1)).toEqual({ duplicate: true });
    expect(await ticketCount()).toBe(1);
  });

  it('ignores auto-replies, bulk mail, bounces and our own mails: no ticket, no mail back', async () => {
    const ticket = await openTicket(t, desk.customer);
    const mailsBefore = await outboxCount();
    const loops = [
      plainMail('I am out of office', { extraHeaders: ['Auto-Submitted: auto-replied'] }),
      plainMail('Newsletter', { extraHeaders: ['Precedence: bulk'] }),
      plainMail('Away', { extraHeaders: ['X-Autoreply: yes'] }),
      plainMail('Undeliverable', { from: 'MAILER-DAEMON@plain.example' }),
      plainMail('Our own receipt', { messageId: t.ctx.threads.rootId(ticket.id) }),
      plainMail('From ourselves', { from: 'support@helpline.test' }),
    ];
    for (const raw of loops) expect(await take(raw)).toMatchObject({ status: 'ignored', ticketId: null });
    expect(await ticketCount()).toBe(1);
    expect(await outboxCount()).toBe(mailsBefore);
  });

  it('holds mail over the sender’s hourly cap for a manager to release', async () => {
    await t.close();
    t = await createTestApp(kind, { inbound: { ...t.ctx.config.inbound, ticketsPerSenderPerHour: 2 } });
    desk = await createDesk(t);
    for (const n of [1, 2]) placed(await take(plainMail(`Flood ${n}`)));
    const held = await take(plainMail('Flood 3'));
    expect(held).toMatchObject({ status: 'held', ticketId: null });
    expect(await ticketCount()).toBe(2);
    t.clock.advance(3_600_001);
    placed(await take(plainMail('An hour later')));
  });

  it('records bad input clearly and keeps going', async () => {
    await t.close();
    t = await createTestApp(kind, { inbound: { ...t.ctx.config.inbound, maxBytes: 512 * 1024 } });
    desk = await createDesk(t);
    const huge = plainMail('x'.repeat(600 * 1024));
    expect(await take(huge)).toMatchObject({ status: 'failed' });
    const [tooLarge] = await t.database.db.select().from(inboundMails).where(eq(inboundMails.reason, 'too_large'));
    expect(tooLarge).toMatchObject({ raw: null, size: huge.length, status: 'failed' });

    const broken = Buffer.from('From: Bo <bo@broken.example>\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary="nope"\r\n\r\n--wrong\r\nContent-Type: text/plain\r\n\r\nhalf a part', 'utf8');
    expect(['placed', 'failed']).toContain(((await take(broken)) as { status: string }).status);

    const headerOnly = Buffer.from('From: Hugo <hugo@head.example>\r\nSubject: Call me back\r\n', 'utf8');
    const headerTicket = await ticketOf(placed(await take(headerOnly)));
    expect(headerTicket).toMatchObject({ subject: 'Call me back', description: '(The mail had no text.)' });

    const noSender = Buffer.from('Subject: who am I\r\n\r\nbody\r\n', 'utf8');
    expect(await take(noSender)).toMatchObject({ status: 'failed', ticketId: null });

    const many = Array.from({ length: 10_000 }, (_, n) => `r${n}@many.example`).join(', ');
    placed(await take(plainMail('To everyone', { to: many, from: 'Mass <mass@many.example>' })));

    // A display name that decodes to several lines (an encoded word hiding CR LF).
    const encoded = Buffer.from('Eve\r\n\r\nIT SECURITY: reset at http://evil.test').toString('base64');
    const forgedName = await take(plainMail('Hi', { from: `=?UTF-8?B?${encoded}?= <eve@evil.example>` }));
    const eve = await findUserByEmail(t.database.db, 'eve@evil.example');
    placed(forgedName);
    expect(eve?.name).toBe('Eve IT SECURITY: reset at http://evil.test');
  });

  it('decodes charsets and keeps inline images as the message’s attachments', async () => {
    const ticketId = placed(await take(appleMailWithImage()));
    const ticket = await getJson<TicketJson & { attachments: MessageJson['attachments'] }>(t, desk.manager, `/api/tickets/${ticketId}`);
    expect(ticket.description).toContain('Voilà la capture d’écran, le problème est là.'.replace('’', "'"));
    expect(ticket.attachments).toEqual([expect.objectContaining({ name: 'IMG_0001.gif', type: 'image/gif', size: 42 })]);
  });

  it('places a mail a crash left stored but unplaced exactly once, however often it is tried', async () => {
    const row = await insertInbound(t.database.db, {
      ...source,
      messageId: '<left@plain.example>',
      raw: plainMail('Left behind', { messageId: '<left@plain.example>' }),
      size: 1,
      receivedAt: t.clock.now(),
    });
    await Promise.all([placeWaitingMails(t.ctx), placeWaitingMails(t.ctx), placeMail(t.ctx, row?.id ?? '')]);
    expect(await placeWaitingMails(t.ctx)).toBe(0);
    expect(await ticketCount()).toBe(1);
    const [stored] = await t.database.db.select().from(inboundMails);
    expect(stored).toMatchObject({ status: 'placed', openedTicket: true });
  });
});
