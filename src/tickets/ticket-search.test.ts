import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, postMessage, type Desk, type TicketJson } from './tickets.test-support.js';

/** The search documents (migration 0021) follow every write that changes a ticket's text, in its transaction. */
describeEachDatabase('ticket search documents', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const found = async (user: TestUser, q: string) =>
    (await getJson<{ items: TicketJson[] }>(t, user, `/api/tickets?q=${encodeURIComponent(q)}`)).items.map((ticket) => ticket.subject);

  /** Which document of the ticket holds the word: read from the row, beside what search answers. */
  const documents = async (id: string, word: string) => {
    const [row] = await queryRows<{ public: boolean; staff: boolean }>(
      t.database.db,
      sql`select public_search @@ to_tsquery('english', ${word}) as public, staff_search @@ to_tsquery('english', ${word}) as staff
          from tickets where id = ${id}`,
    );
    return row;
  };

  it('holds the subject and description from the ticket insert, in both documents', async () => {
    const ticket = await openTicket(t, desk.customer, { subject: 'Scanner smokes', description: 'Since the firmware update' });
    expect(await documents(ticket.id, 'firmware')).toEqual({ public: true, staff: true });
    expect(await found(desk.customer, 'scanner')).toEqual(['Scanner smokes']);
    expect(await found(desk.agent, 'firmw')).toEqual(['Scanner smokes']);
  });

  it('adds a public message, by the customer or by staff, to both documents as it is posted', async () => {
    const ticket = await openTicket(t, desk.customer, { subject: 'Scanner smokes' });
    expect(await found(desk.agent, 'capacitor')).toEqual([]);
    expect((await postMessage(t, desk.customer, ticket.id, { body: 'A capacitor popped' })).statusCode).toBe(201);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'Ordered a replacement board' })).statusCode).toBe(201);
    expect(await documents(ticket.id, 'capacitor')).toEqual({ public: true, staff: true });
    expect(await documents(ticket.id, 'replacement')).toEqual({ public: true, staff: true });
    for (const user of [desk.customer, desk.agent]) {
      expect(await found(user, 'capacitor')).toEqual(['Scanner smokes']);
      expect(await found(user, 'board replac')).toEqual(['Scanner smokes']);
    }
    // Words of the subject and of a message together.
    expect(await found(desk.customer, 'scanner capacitor')).toEqual(['Scanner smokes']);
  });

  it('adds an internal note to the staff document only: staff find it, the customer never does', async () => {
    const ticket = await openTicket(t, desk.customer, { subject: 'Scanner smokes' });
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'Customer dropped it, do not tell them', internal: true })).statusCode).toBe(201);
    expect(await documents(ticket.id, 'dropped')).toEqual({ public: false, staff: true });
    expect(await found(desk.agent, 'dropped')).toEqual(['Scanner smokes']);
    expect(await found(desk.manager, 'scanner & dropped')).toEqual(['Scanner smokes']);
    expect(await found(desk.customer, 'dropped')).toEqual([]);
    expect(await found(desk.customer, 'scanner dropped')).toEqual([]);
    expect(await found(desk.customer, `"dropped it"`)).toEqual([]);
    expect(await found(desk.customer, 'drop')).toEqual([]);
  });

  it('follows messages written many at once, to several tickets, in one statement', async () => {
    const first = await openTicket(t, desk.customer, { subject: 'First' });
    const second = await openTicket(t, desk.customer, { subject: 'Second' });
    await t.database.db.execute(sql`insert into ticket_messages (ticket_id, author_id, body, internal) values
      (${first.id}, ${desk.customer.user.id}, 'alpha', false),
      (${first.id}, ${desk.agent.user.id}, 'bravo', true),
      (${second.id}, ${desk.customer.user.id}, 'alpha charlie', false),
      (${first.id}, ${desk.customer.user.id}, 'delta', false)`);
    expect(await found(desk.agent, 'alpha')).toEqual(['Second', 'First']);
    expect(await found(desk.agent, 'bravo')).toEqual(['First']);
    expect(await found(desk.customer, 'bravo')).toEqual([]);
    expect(await found(desk.customer, 'delta')).toEqual(['First']);
    expect(await found(desk.customer, 'charlie')).toEqual(['Second']);
  });

  it('keeps a ticket writable when its text outgrows what a document holds (1 MB)', async () => {
    const ticket = await openTicket(t, desk.customer, { subject: 'Log dump' });
    // Distinct words, written straight to the table: the API caps a message at 20,000 characters.
    const words = (from: number, count: number) =>
      sql`(select string_agg(md5(n::text), ' ') from generate_series(${from}::int, ${from + count - 1}::int) n)`;
    await t.database.db.execute(sql`insert into ticket_messages (ticket_id, author_id, body)
      values (${ticket.id}, ${desk.customer.user.id}, 'zebra ' || ${words(1, 20_000)})`);
    await t.database.db.execute(sql`insert into ticket_messages (ticket_id, author_id, body)
      values (${ticket.id}, ${desk.customer.user.id}, 'yak ' || ${words(100_000, 20_000)})`);
    const reply = await postMessage(t, desk.agent, ticket.id, { body: 'We read the logs' });
    expect(reply.statusCode, reply.body).toBe(201);
    const note = await postMessage(t, desk.agent, ticket.id, { body: 'Too long to read', internal: true });
    expect(note.statusCode, note.body).toBe(201);
    // What the document held stays searchable; what did not fit is left out, not refused.
    expect(await found(desk.agent, 'zebra')).toEqual(['Log dump']);
    expect(await found(desk.agent, 'yak')).toEqual([]);
  });
});
