import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mailOutbox } from '../mail/mail.schema.js';
import { startMailWorker, type MailWorker } from '../mail/mail-worker.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../test/smtp.js';
import { publishTicketEvent } from '../tickets/publish-ticket-event.js';
import type { TicketEvent } from '../tickets/ticket-events.js';
import { findTicket } from '../tickets/tickets.repository.js';
import { ticketEvents } from '../tickets/tickets.schema.js';
import { createDesk, openTicket, patchTicket, postMessage, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';
import { users } from '../users/users.schema.js';
import { insertNotifications } from './notifications.repository.js';
import { notifications } from './notifications.schema.js';

const SECRET = 'INTERNAL-ONLY: customer owes us money';

interface NotificationJson {
  id: string;
  type: string;
  ticketId: string;
  title: string;
  createdAt: string;
  readAt: string | null;
  count: number;
}

describeEachDatabase('notifications', (kind) => {
  let t: TestApp;
  let desk: Desk;
  let smtp: TestSmtpServer;
  let worker: MailWorker;

  beforeEach(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp(kind, { smtp: smtp.smtp, mailFrom: 'Helpline <desk@helpline.test>' });
    desk = await createDesk(t);
    // Long poll: every queued mail wakes the worker by NOTIFY; drain() waits for it.
    worker = await startMailWorker(t.ctx, { pollIntervalMs: 3_600_000 });
  });
  afterEach(async () => {
    await worker.stop();
    await t.close();
    await smtp.stop();
  });

  const ok = async (response: Promise<{ statusCode: number; body: string }>, status = 200) => {
    const done = await response;
    expect(done.statusCode, done.body).toBe(status);
  };
  /** Mails queued so far, as `kind → recipient`, in queue order. */
  const queued = async () =>
    (await t.database.db.select().from(mailOutbox).orderBy(asc(mailOutbox.id))).map((mail) => `${mail.kind} → ${mail.toAddress}`);
  const get = (user: TestUser, url: string) => t.request({ method: 'GET', url, token: user.accessToken });
  const post = (user: TestUser, url: string, body?: unknown) => t.request({ method: 'POST', url, token: user.accessToken, body });
  const inbox = async (user: TestUser, query = '') => {
    const response = await get(user, `/api/notifications${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: NotificationJson[]; nextCursor: string | null }>();
  };
  const unread = async (user: TestUser) => (await get(user, '/api/notifications/unread-count')).json<{ count: number }>().count;
  /** An event the system publishes (escalation rules, SLA checks), as they publish it. */
  const publishAsSystem = (ticketId: string, event: TicketEvent) =>
    t.database.db.transaction(async (tx) => {
      const ticket = await findTicket(tx, ticketId, undefined);
      if (!ticket) throw new Error('no such ticket');
      await publishTicketEvent(tx, t.ctx.ticketEvents, { ticket, actor: null, at: t.clock.now(), event });
    });

  it('mails the right people through a whole ticket life, threaded, with no internal note anywhere', async () => {
    const { customer, agent, manager } = desk;
    const ticket = await openTicket(t, customer, { subject: 'Printer <b>on fire</b>', description: 'Smoke everywhere' });
    await ok(patchTicket(t, manager, ticket.id, { assigneeId: agent.user.id }));
    await ok(postMessage(t, agent, ticket.id, { body: SECRET, internal: true }), 201);
    await ok(postMessage(t, agent, ticket.id, { body: 'Please unplug it & wait.' }), 201);
    await ok(patchTicket(t, agent, ticket.id, { status: 'waiting_on_customer' }));
    await ok(postMessage(t, customer, ticket.id, { body: 'Unplugged, still smoking.' }), 201);
    await ok(patchTicket(t, agent, ticket.id, { status: 'resolved' }));
    await ok(patchTicket(t, agent, ticket.id, { status: 'closed' }));

    await worker.drain();
    const mails = await smtp.waitForMessages(8);
    const byKind = (heading: string) => mails.find((mail) => mail.text.startsWith(heading));
    expect(mails.map((mail) => [mail.to[0], mail.text.split('\n')[0]])).toEqual([
      [customer.user.email, `We received your ticket #${ticket.number}`],
      [agent.user.email, `Ticket #${ticket.number} was assigned to you`],
      [customer.user.email, `New reply on #${ticket.number}`],
      [customer.user.email, `We need your answer on #${ticket.number}`],
      [agent.user.email, `The customer replied on #${ticket.number}`],
      [customer.user.email, `Ticket #${ticket.number} was resolved`],
      // Asked once, when first resolved (src/satisfaction).
      [customer.user.email, `How did we do on #${ticket.number}?`],
      [customer.user.email, `Ticket #${ticket.number} was closed`],
    ]);

    for (const mail of mails) {
      expect(mail.subject).toBe(`[#${ticket.number}] Printer <b>on fire</b>`);
      expect(mail.text).toContain(`http://helpline.test/tickets/${ticket.id}`);
      expect(mail.html).toContain(`href="http://helpline.test/tickets/${ticket.id}"`);
      expect(mail.html).not.toContain('<b>on fire</b>');
      expect(`${mail.subject}${mail.text}${mail.html}`).not.toContain('INTERNAL-ONLY');
    }
    expect(byKind('New reply')?.text).toContain('> Please unplug it & wait.');
    expect(byKind('New reply')?.html).toContain('Please unplug it &amp; wait.');
    expect(byKind('The customer replied')?.text).toContain('> Unplugged, still smoking.');

    // One thread: the receipt's Message-ID is the root every later mail names; each carries
    // the ticket's signed token, in its own Message-ID and in its Reply-To.
    const thread = t.ctx.threads.rootId(ticket.id);
    expect(thread).toMatch(/^<ticket-[0-9a-f]{52}@helpline\.test>$/);
    const [receipt, ...rest] = mails;
    expect(receipt?.messageId).toBe(thread);
    for (const mail of rest) {
      expect(mail.inReplyTo).toBe(thread);
      expect(mail.references).toContain(thread);
      expect(t.ctx.threads.ticketIn([mail.messageId ?? ''])).toBe(ticket.id);
    }
    for (const mail of mails) expect(mail.headers.get('reply-to')).toMatchObject({ text: `support+${thread.slice(8, 60)}@helpline.test` });
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(8);
  });

  it('renders a name stored with line breaks (before names had to be one line) on one line in every mail', async () => {
    const forged = 'Cora\r\n\r\nIT SECURITY NOTICE:\tyour password expired,\u0007 reset it at http://evil.test';
    await t.database.db.update(users).set({ name: forged }).where(eq(users.id, desk.customer.user.id));
    const ticket = await openTicket(t, desk.customer);
    await ok(patchTicket(t, desk.manager, ticket.id, { assigneeId: desk.agent.user.id }));
    await ok(postMessage(t, desk.customer, ticket.id, { body: 'Any news?' }), 201);

    await worker.drain();
    const mails = await smtp.waitForMessages(3);
    const toStaff = mails.find((mail) => mail.to[0] === desk.agent.user.email && mail.text.startsWith('The customer replied'));
    const receipt = mails.find((mail) => mail.to[0] === desk.customer.user.email);
    const oneLine = 'Cora IT SECURITY NOTICE: your password expired, reset it at http://evil.test';
    expect(toStaff?.text).toContain(`\n${oneLine} replied on "${ticket.subject}", a ticket assigned to you.\n`);
    expect(toStaff?.text).toContain(`\n${oneLine} wrote:\n> Any news?`);
    expect(toStaff?.html).toContain(`<strong>${oneLine}</strong> wrote:`);
    expect(receipt?.text).toContain(`Thank you, ${oneLine}. Your request`);
    for (const mail of [toStaff, receipt]) {
      const body = `${mail?.text ?? ''}${mail?.html ?? ''}`;
      expect(body).not.toMatch(/Cora\s*[\r\n]/);
      for (const control of ['\u0007', '\t']) expect(body).not.toContain(control);
    }
  });

  it('never tells people about their own actions, except the receipt of a ticket they opened', async () => {
    const ticket = await openTicket(t, desk.customer);
    await ok(patchTicket(t, desk.agent, ticket.id, { assigneeId: desk.agent.user.id }));
    await ok(postMessage(t, desk.customer, ticket.id, { body: 'Closing, it works again' }), 201);
    await ok(patchTicket(t, desk.customer, ticket.id, { status: 'closed' }));
    expect(await queued()).toEqual([`ticket_received → ${desk.customer.user.email}`, `customer_reply → ${desk.agent.user.email}`]);
    expect(await inbox(desk.customer)).toEqual({ items: [], nextCursor: null });
    expect((await inbox(desk.agent)).items.map((n) => n.type)).toEqual(['customer_reply']);
  });

  it('queues nothing for an internal note, and nothing for a change that rolls back', async () => {
    const ticket = await openTicket(t, desk.customer);
    const before = await queued();
    await ok(postMessage(t, desk.agent, ticket.id, { body: SECRET, internal: true }), 201);
    // A refused transition rolls back whole: no event, no notification, no mail.
    await ok(patchTicket(t, desk.agent, ticket.id, { status: 'closed' }));
    await ok(patchTicket(t, desk.agent, ticket.id, { status: 'open' }), 409);
    expect(await queued()).toEqual([...before, `ticket_closed → ${desk.customer.user.email}`]);
    expect((await inbox(desk.customer)).items.map((n) => n.type)).toEqual(['ticket_closed']);
    expect(JSON.stringify(await t.database.db.select().from(notifications))).not.toContain('INTERNAL-ONLY');
  });

  it('queues a mail and an in-app row whose text holds half a character, with U+FFFD in its place', async () => {
    const ticket = await openTicket(t, desk.customer);
    const [event] = await t.database.db.select({ id: ticketEvents.id }).from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    const at = t.clock.now();
    const broken = 'Half \ud800 a character';
    await t.database.db.transaction((tx) =>
      insertNotifications(
        tx,
        [{ userId: desk.customer.user.id, ticketId: ticket.id, eventId: event?.id ?? 0, type: 'staff_reply', title: broken, createdAt: at }],
        [{ kind: 'staff_reply', toAddress: desk.customer.user.email, subject: broken, textBody: broken, htmlBody: broken, headers: { 'X-Note': broken }, createdAt: at, nextAttemptAt: at }],
      ),
    );
    const [mail] = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.subject, 'Half \ufffd a character'));
    expect(mail).toMatchObject({ textBody: 'Half \ufffd a character', headers: { 'X-Note': 'Half \ufffd a character' } });
    expect((await inbox(desk.customer)).items.map((n) => n.title)).toContain('Half \ufffd a character');
  });

  it('rolls back the change, its history, notifications and mails when a handler of its event fails', async () => {
    const ticket = await openTicket(t, desk.customer);
    const before = await queued();
    // Registered after the notifier: its rows and mail are written by the time this throws.
    t.ctx.ticketEvents.on('ticket.message', () => Promise.reject(new Error('a handler failed')));
    t.clock.advance(60_000);

    await ok(postMessage(t, desk.agent, ticket.id, { body: 'This reply never happened' }), 500);
    expect(await queued()).toEqual(before);
    expect((await inbox(desk.customer)).items).toEqual([]);
    const messages = await get(desk.agent, `/api/tickets/${ticket.id}/messages`);
    expect(messages.json<{ items: unknown[] }>().items).toEqual([]);
    const history = await get(desk.agent, `/api/tickets/${ticket.id}/events`);
    expect(history.json<{ items: { type: string }[] }>().items.map((event) => event.type)).toEqual(['ticket.created']);
    const after = await get(desk.agent, `/api/tickets/${ticket.id}`);
    expect(after.json<TicketJson>()).toMatchObject({ updatedAt: ticket.updatedAt, firstResponseAt: null });
  });

  it('tells managers of an escalation; a rule reaches whom it names, and the customer without the rule details', async () => {
    const secondManager = await createUser(t, { role: 'manager', name: 'Max Manager' });
    const ticket = await openTicket(t, desk.customer);
    await ok(patchTicket(t, desk.manager, ticket.id, { assigneeId: desk.agent.user.id }));
    await ok(patchTicket(t, desk.manager, ticket.id, { status: 'escalated' }));
    const managersOnly = (await queued()).slice(2);
    expect(managersOnly).toEqual([`ticket_escalated → ${secondManager.user.email}`]);

    await publishAsSystem(ticket.id, {
      type: 'ticket.escalated',
      data: { ruleId: 'r1', ruleName: 'Angry VIP', actions: {}, notify: ['requester', 'assignee'] },
    });
    await publishAsSystem(ticket.id, { type: 'ticket.sla_breached', data: { target: 'first_response', dueAt: t.clock.now().toISOString() } });
    const rows = await t.database.db.select().from(mailOutbox).orderBy(asc(mailOutbox.id));
    const latest = rows.slice(3).map((mail) => `${mail.kind} → ${mail.toAddress}`);
    expect(latest.slice(0, 4).sort()).toEqual(
      [desk.manager, secondManager, desk.agent, desk.customer].map((u) => `ticket_escalated → ${u.user.email}`).sort(),
    );
    expect(latest.slice(4).sort()).toEqual([desk.manager, secondManager].map((u) => `sla_breached → ${u.user.email}`).sort());
    const toCustomer = rows.find((mail) => mail.kind === 'ticket_escalated' && mail.toAddress === desk.customer.user.email);
    const toManager = rows.find((mail) => mail.kind === 'ticket_escalated' && mail.toAddress === desk.manager.user.email);
    expect(toCustomer?.textBody).not.toContain('Angry VIP');
    expect(toManager?.textBody).toContain('Angry VIP');
    expect(rows.find((mail) => mail.kind === 'sla_breached')?.textBody).toContain('first response');
  });

  it('stops a kind of mail, or of in-app notification, when the user turns it off', async () => {
    const prefs = await get(desk.customer, '/api/notification-preferences');
    expect(prefs.statusCode).toBe(200);
    const items = prefs.json<{ items: { kind: string; email: boolean; inApp: boolean }[] }>().items;
    expect(items.map((item) => item.kind)).toEqual([
      'ticket_received',
      'staff_reply',
      'waiting_on_customer',
      'ticket_resolved',
      'ticket_closed',
      'ticket_escalated',
    ]);
    expect(items.every((item) => item.email && item.inApp)).toBe(true);
    expect((await get(desk.agent, '/api/notification-preferences')).json<{ items: unknown[] }>().items).toHaveLength(9);

    const changed = await t.request({
      method: 'PUT',
      url: '/api/notification-preferences',
      token: desk.customer.accessToken,
      body: { items: [{ kind: 'staff_reply', email: false, inApp: true }, { kind: 'ticket_resolved', email: true, inApp: false }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json<{ items: { kind: string; email: boolean; inApp: boolean }[] }>().items.slice(1, 4)).toEqual([
      { kind: 'staff_reply', description: expect.any(String), email: false, inApp: true },
      { kind: 'waiting_on_customer', description: expect.any(String), email: true, inApp: true },
      { kind: 'ticket_resolved', description: expect.any(String), email: true, inApp: false },
    ]);

    const ticket = await openTicket(t, desk.customer);
    await ok(postMessage(t, desk.agent, ticket.id, { body: 'A reply you will not get by mail' }), 201);
    await ok(patchTicket(t, desk.agent, ticket.id, { status: 'resolved' }));
    expect(await queued()).toEqual([
      `ticket_received → ${desk.customer.user.email}`,
      `ticket_resolved → ${desk.customer.user.email}`,
      // The satisfaction request is no notification: the preferences do not govern it.
      `satisfaction_request → ${desk.customer.user.email}`,
    ]);
    expect((await inbox(desk.customer)).items.map((n) => n.type)).toEqual(['staff_reply']);
    // Someone else's switches are their own.
    await ok(postMessage(t, desk.agent, (await openTicket(t, desk.otherCustomer)).id, { body: 'Hello' }), 201);
    expect((await queued()).at(-1)).toBe(`staff_reply → ${desk.otherCustomer.user.email}`);
  });

  it('refuses malformed preference changes and changes nothing', async () => {
    const put = (body: unknown) => t.request({ method: 'PUT', url: '/api/notification-preferences', token: desk.customer.accessToken, body });
    const bad = [
      { items: [{ kind: 'no_such_kind', email: false, inApp: false }] },
      { items: [{ kind: 'staff_reply', email: false }] },
      { items: [{ kind: 'staff_reply', email: false, inApp: false, sms: true }] },
      { items: [{ kind: 'staff_reply', email: 'no', inApp: false }] },
      { items: [{ kind: 'staff_reply', email: false, inApp: false }], extra: 1 },
    ];
    for (const body of bad) expect((await put(body)).statusCode, JSON.stringify(body)).toBe(400);
    const twice = await put({ items: [{ kind: 'staff_reply', email: false, inApp: false }, { kind: 'staff_reply', email: true, inApp: true }] });
    expect(twice.statusCode).toBe(400);
    expect(twice.json()).toEqual({ error: { code: 'duplicate_kind', message: expect.any(String) } });
    const items = (await get(desk.customer, '/api/notification-preferences')).json<{ items: { email: boolean; inApp: boolean }[] }>().items;
    expect(items.every((item) => item.email && item.inApp)).toBe(true);
  });

  it('lists, counts and marks in-app notifications, only the caller’s own', async () => {
    const ticket: TicketJson = await openTicket(t, desk.customer, { subject: 'Wifi' });
    await ok(postMessage(t, desk.agent, ticket.id, { body: 'First' }), 201);
    await ok(postMessage(t, desk.agent, ticket.id, { body: 'Second' }), 201);
    await ok(patchTicket(t, desk.agent, ticket.id, { status: 'waiting_on_customer' }));

    const all = await inbox(desk.customer);
    expect(all.items.map((n) => n.type)).toEqual(['waiting_on_customer', 'staff_reply', 'staff_reply']);
    expect(all.items[1]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: 'staff_reply',
      ticketId: ticket.id,
      title: `New reply on #${ticket.number}: Wifi`,
      createdAt: t.clock.now().toISOString(),
      readAt: null,
      count: 1,
    });
    expect(await unread(desk.customer)).toBe(3);

    const [newest, middle, oldest] = all.items.map((n) => n.id);
    const page = await inbox(desk.customer, '?limit=2');
    expect(page.items.map((n) => n.id)).toEqual([newest, middle]);
    expect((await inbox(desk.customer, `?limit=2&cursor=${page.nextCursor ?? ''}`)).items.map((n) => n.id)).toEqual([oldest]);

    expect((await post(desk.otherCustomer, `/api/notifications/${middle ?? ''}/read`)).statusCode).toBe(404);
    expect((await post(desk.agent, `/api/notifications/${middle ?? ''}/read`)).statusCode).toBe(404);
    expect((await post(desk.customer, '/api/notifications/999999999/read')).statusCode).toBe(404);
    expect((await post(desk.customer, '/api/notifications/abc/read')).statusCode).toBe(400);
    expect(await unread(desk.customer)).toBe(3);

    const read = await post(desk.customer, `/api/notifications/${middle ?? ''}/read`);
    expect(read.statusCode).toBe(204);
    t.clock.advance(60_000);
    expect((await post(desk.customer, `/api/notifications/${middle ?? ''}/read`)).statusCode).toBe(204);
    expect(await unread(desk.customer)).toBe(2);
    const afterOne = await inbox(desk.customer);
    // Reading again keeps the first time it was read.
    expect(afterOne.items[1]?.readAt).toBe(new Date(t.clock.now().getTime() - 60_000).toISOString());
    expect((await inbox(desk.customer, '?unread=true')).items.map((n) => n.id)).toEqual([newest, oldest]);

    expect((await post(desk.customer, '/api/notifications/read-all')).statusCode).toBe(204);
    expect(await unread(desk.customer)).toBe(0);
    expect((await inbox(desk.customer, '?unread=true')).items).toEqual([]);
    expect((await inbox(desk.customer)).items).toHaveLength(3);
    expect((await get(desk.customer, '/api/notifications?cursor=garbage')).statusCode).toBe(400);
    expect((await get(desk.customer, '/api/notifications?limit=0')).statusCode).toBe(400);
  });

  it('answers 401 on every notification route without a token', async () => {
    const routes: ['GET' | 'POST' | 'PUT', string][] = [
      ['GET', '/api/notifications'],
      ['GET', '/api/notifications/unread-count'],
      ['POST', '/api/notifications/read-all'],
      ['POST', '/api/notifications/1/read'],
      ['GET', '/api/notification-preferences'],
      ['PUT', '/api/notification-preferences'],
    ];
    for (const [method, url] of routes) {
      const response = await t.request({ method, url, ...(method === 'PUT' ? { body: { items: [] } } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });
});
