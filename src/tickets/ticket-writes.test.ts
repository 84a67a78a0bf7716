import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sessions } from '../auth/auth.schema.js';
import { queryRows, type Db } from '../db/database.js';
import { mailOutbox } from '../mail/mail.schema.js';
import { startMailWorker } from '../mail/mail-worker.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { createTestDatabase, describeEachDatabase, withQueryLog } from '../test/databases.js';
import { startTestSmtpServer, type TestSmtpServer } from '../test/smtp.js';
import { users } from '../users/users.schema.js';
import { ticketEvents } from './tickets.schema.js';
import { createDesk, openTicket, postMessage, type Desk } from './tickets.test-support.js';

/**
 * How many statements a write (and the commonest read) sends, so the count cannot creep back up: each is a round
 * trip to the database, and they were most of a write's time (bench/FINDINGS.md §4).
 * Counted as drizzle sends them, BEGIN and COMMIT left out (PGlite runs those itself).
 */
const CEILING = {
  // auth, rate-limit count, routing rules and default team, insert ticket (with its due dates) and its event, recipients, queue the receipt
  create: 6,
  // auth, rate-limit count, lock ticket, insert message, update ticket and insert event, recipients, queue the mail and the in-app row
  reply: 7,
  // the caller's session, the ticket and its files
  get: 1,
};

/** How often each statement prepared on the database's connection has run, by its text (whitespace folded). */
const preparedRuns = async (db: Db) =>
  new Map(
    (
      await queryRows<{ statement: string; runs: number }>(db, sql`select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements`)
    ).map((row) => [row.statement.replace(/\s+/g, ' ').trim(), row.runs]),
  );

const withoutTransactionBounds = (log: readonly string[]) => log.filter((query) => !/^(begin|commit)\b/i.test(query.trim()));

describeEachDatabase('round trips per write', (kind) => {
  let t: TestApp;
  let desk: Desk;
  const log: string[] = [];

  beforeEach(async () => {
    log.length = 0;
    t = await createTestApp(kind, {}, { database: withQueryLog(kind, await createTestDatabase(kind), log) });
    desk = await createDesk(t);
    // The first write of a process reads the near-static settings into its cache.
    await openTicket(t, desk.customer);
  });
  afterEach(() => t.close());

  it('opens a ticket, with its history, receipt and due dates, in a handful of statements', async () => {
    log.length = 0;
    const ticket = await openTicket(t, desk.customer);
    const statements = withoutTransactionBounds(log);
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(CEILING.create);

    const created = new Date(ticket.createdAt).getTime();
    expect(ticket).toMatchObject({ requester: { id: desk.customer.user.id, name: 'Cora Customer' }, assignee: null });
    // The default normal policy: first response in 240 minutes, resolution in 1440.
    expect(ticket).toMatchObject({
      firstResponseDueAt: new Date(created + 240 * 60_000).toISOString(),
      resolutionDueAt: new Date(created + 1440 * 60_000).toISOString(),
    });
    const events = await t.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    expect(events.map((event) => event.type)).toEqual(['ticket.created']);
    const receipts = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, desk.customer.user.email));
    expect(receipts.some((mail) => mail.kind === 'ticket_received' && mail.subject.includes(`#${ticket.number}`))).toBe(true);
  });

  it('posts a first reply, with its history, mail, in-app notification and first response, in a handful of statements', async () => {
    const ticket = await openTicket(t, desk.customer);
    log.length = 0;
    const response = await postMessage(t, desk.agent, ticket.id, { body: 'On it.' });
    expect(response.statusCode, response.body).toBe(201);
    const statements = withoutTransactionBounds(log);
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(CEILING.reply);

    const events = await t.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    expect(events.map((event) => event.type)).toEqual(['ticket.created', 'ticket.message']);
    const inApp = await t.request({ method: 'GET', url: '/api/notifications', token: desk.customer.accessToken });
    expect(inApp.json<{ items: { ticketId: string; type: string }[] }>().items).toMatchObject([{ ticketId: ticket.id, type: 'staff_reply' }]);
    const mails = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'staff_reply'));
    expect(mails.map((mail) => mail.toAddress)).toEqual([desk.customer.user.email]);
    expect(mails[0]?.textBody).toContain('On it.');
    expect(mails[0]?.textBody).toContain('Ada Agent');
    const view = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.agent.accessToken });
    expect(view.json<{ firstResponseAt: string | null }>().firstResponseAt).toBe(t.clock.now().toISOString());
  });

  it('reads a ticket, checking the session, in one statement', async () => {
    const ticket = await openTicket(t, desk.customer);
    log.length = 0;
    const view = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.agent.accessToken });
    expect(view.statusCode, view.body).toBe(200);
    expect(log.length, log.join('\n')).toBeLessThanOrEqual(CEILING.get);
    expect(view.json()).toMatchObject({ id: ticket.id, requester: { name: 'Cora Customer' }, attachments: [] });
  });

  it('still applies a role change, a deactivation and a logout to that read on the next request', async () => {
    const ticket = await openTicket(t, desk.customer);
    const read = (token: string) => t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token });
    expect((await read(desk.agent.accessToken)).statusCode).toBe(200);
    // A demoted agent sees only their own tickets: someone else's is not found.
    await t.database.db.update(users).set({ role: 'customer' }).where(eq(users.id, desk.agent.user.id));
    expect((await read(desk.agent.accessToken)).statusCode).toBe(404);
    await t.database.db.update(users).set({ active: false }).where(eq(users.id, desk.agent.user.id));
    expect((await read(desk.agent.accessToken)).statusCode).toBe(401);
    expect((await read(desk.customer.accessToken)).statusCode).toBe(200);
    await t.database.db.update(sessions).set({ revokedAt: t.clock.now() }).where(eq(sessions.userId, desk.customer.user.id));
    expect((await read(desk.customer.accessToken)).statusCode).toBe(401);
  });
});

describeEachDatabase('statements a write plans once', (kind) => {
  let t: TestApp;
  let desk: Desk;
  let smtp: TestSmtpServer;
  beforeEach(async () => {
    smtp = await startTestSmtpServer();
    // One connection on a server: every statement is prepared on it, and the catalog asked is its own.
    t = await createTestApp(kind, { smtp: smtp.smtp }, { database: await createTestDatabase(kind, 1) });
    desk = await createDesk(t);
  });
  afterEach(async () => {
    await t.close();
    await smtp.stop();
  });

  it('keeps the statements of an open, a reply and their mails prepared on the connection instead of planning them on every run', async () => {
    const worker = await startMailWorker(t.ctx, { pollIntervalMs: 50 });
    try {
      for (let round = 0; round < 2; round += 1) {
        const ticket = await openTicket(t, desk.customer);
        expect((await postMessage(t, desk.agent, ticket.id, { body: 'On it.' })).statusCode).toBe(201);
      }
      await worker.drain();
    } finally {
      await worker.stop();
    }
    expect(smtp.messages.length).toBeGreaterThanOrEqual(4);
    const texts = [...(await preparedRuns(t.database.db)).keys()];
    const planned = {
      'routing rules': /^select rule_id, conditions, team_id, team_name from/,
      'ticket and its event': /^with "recorded" as \(insert into "ticket_events" .* insert into "tickets"/,
      'locked ticket': /^select "id", "number", .* from "tickets" where .* for update$/,
      message: /^insert into "ticket_messages"/,
      'changed ticket and its event': /^with "recorded" as \(insert into "ticket_events" .* update "tickets" set/,
      recipients: /^select u\.id, u\.email, u\.name, u\.role,/,
      'mails and in-app rows': /^with queued_mail as \( insert into "mail_outbox" .* insert into "notifications"/,
      'rate-limit count': /^with batch as \(select \* from jsonb_to_recordset/,
      'claimed mails': /^update "mail_outbox" set "attempts" = .* where "mail_outbox"\."id" in \(select "id" from "mail_outbox" where .* for update skip locked\)/,
      'mail sent': /^update "mail_outbox" set "status" = \$1, "last_error" = \$2, "claim_token" = \$3, "sent_at" = \$4 where/,
      'abandoned mails': /^update "mail_outbox" set "status" = \$1, "last_error" = coalesce/,
    };
    const missing = Object.entries(planned).filter(([, text]) => !texts.some((sent) => text.test(sent)));
    expect(missing.map(([name]) => name), texts.join('\n')).toEqual([]);
  });
});

describeEachDatabase('statements a read plans once', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    // One connection on a server: the statements counted below are all prepared on it.
    t = await createTestApp(kind, {}, { database: await createTestDatabase(kind, 1) });
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  /** Runs of every statement matching `text`: an embedded backend outlives a test and may hold another's, which do not move. */
  const runsOf = (runs: Map<string, number>, text: RegExp) =>
    [...runs].filter(([statement]) => text.test(statement)).reduce((sum, [, count]) => sum + count, 0);

  it("runs a ticket's page, the unread count and every request's session check as statements prepared on the connection, not planned anew", async () => {
    // Planning them was most of a read's cost on the embedded database (bench/FINDINGS.md §21).
    const ticket = await openTicket(t, desk.customer);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'On it.' })).statusCode).toBe(201);
    const read = async () => {
      expect((await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.agent.accessToken })).statusCode).toBe(200);
      const conversation = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}/messages`, token: desk.agent.accessToken });
      expect(conversation.json<{ items: { body: string; attachments: unknown[] }[] }>().items).toEqual([
        expect.objectContaining({ body: 'On it.', attachments: [] }),
      ]);
      const unread = await t.request({ method: 'GET', url: '/api/notifications/unread-count', token: desk.customer.accessToken });
      expect(unread.json<{ count: number }>().count).toBe(1);
    };
    await read();
    const before = await preparedRuns(t.database.db);
    for (let run = 0; run < 3; run += 1) await read();
    const after = await preparedRuns(t.database.db);
    // Three reads of the page: the ticket (its session check travels with it), the conversation and the unread count (each after its own).
    const statements = {
      'session and ticket': /^select .* from "sessions" inner join "users" .* left join "tickets" on "tickets"\."id" = \$1/,
      'session alone': /^select .* from "sessions" inner join "users" on "users"\."id" = "sessions"\."user_id" where/,
      'ticket alone': /^select "id", "number", .* from "tickets" where "tickets"\."id" = \$1$/,
      'conversation and its files': /^select "ticket_messages"\."id", .*json_agg.* from "ticket_messages" inner join "users"/,
      'unread count': /^select count\(\*\)::int from "notifications"/,
    };
    const ran = Object.fromEntries(
      Object.entries(statements).map(([name, text]) => [name, runsOf(after, text) - runsOf(before, text)]),
    );
    expect(ran, [...after.keys()].join('\n')).toEqual({ 'session and ticket': 3, 'session alone': 6, 'ticket alone': 3, 'conversation and its files': 3, 'unread count': 3 });
  });
});
