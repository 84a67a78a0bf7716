import { sql } from 'drizzle-orm';
import { queryRows } from '../db/database.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';
import { RARE_HITS, SEARCH_REACH } from './ticket-list.repository.js';
import { createDesk, getJson, openTicket, patchTicket, postMessage, type Desk, type TicketJson } from './tickets.test-support.js';

interface Page {
  items: TicketJson[];
  nextCursor: string | null;
}

describeEachDatabase('ticket queue and search', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const subjects = async (user: TestUser, query: string) =>
    (await getJson<Page>(t, user, `/api/tickets${query}`)).items.map((ticket) => ticket.subject);

  it('filters by status list, priority, assignee (id, me, none) and requester, newest first', async () => {
    const a = await openTicket(t, desk.customer, { subject: 'A' });
    const b = await openTicket(t, desk.customer, { subject: 'B' });
    const c = await openTicket(t, desk.otherCustomer, { subject: 'C' });
    await openTicket(t, desk.otherCustomer, { subject: 'D' });
    expect((await patchTicket(t, desk.manager, a.id, { status: 'in_progress', assigneeId: desk.agent.user.id })).statusCode).toBe(200);
    expect((await patchTicket(t, desk.manager, b.id, { status: 'resolved', priority: 'urgent' })).statusCode).toBe(200);
    expect((await patchTicket(t, desk.manager, c.id, { assigneeId: desk.otherAgent.user.id, priority: 'urgent' })).statusCode).toBe(200);

    expect(await subjects(desk.agent, '')).toEqual(['D', 'C', 'B', 'A']);
    expect(await subjects(desk.agent, '?status=open')).toEqual(['D', 'C']);
    expect(await subjects(desk.agent, '?status=in_progress,resolved')).toEqual(['B', 'A']);
    expect(await subjects(desk.agent, '?priority=urgent')).toEqual(['C', 'B']);
    expect(await subjects(desk.agent, '?assigneeId=me')).toEqual(['A']);
    expect(await subjects(desk.otherAgent, '?assigneeId=me')).toEqual(['C']);
    expect(await subjects(desk.agent, `?assigneeId=${desk.otherAgent.user.id}`)).toEqual(['C']);
    expect(await subjects(desk.agent, '?assigneeId=none')).toEqual(['D', 'B']);
    expect(await subjects(desk.agent, `?requesterId=${desk.customer.user.id}`)).toEqual(['B', 'A']);
    expect(await subjects(desk.agent, '?status=open&priority=urgent&assigneeId=none')).toEqual([]);
    expect(await subjects(desk.customer, '')).toEqual(['B', 'A']);
    expect(await subjects(desk.customer, '?priority=urgent')).toEqual(['B']);
  });

  it('sorts by creation, last update, priority, due date and attention, either way, page after page', async () => {
    const opened = async (subject: string, priority: string) => {
      const ticket = await openTicket(t, desk.customer, { subject });
      if (priority !== 'normal') expect((await patchTicket(t, desk.manager, ticket.id, { priority })).statusCode).toBe(200);
      t.clock.advance(60_000);
      return ticket;
    };
    const low = await opened('Low', 'low');
    await opened('Urgent', 'urgent');
    await opened('High', 'high');
    await opened('Normal', 'normal');
    // The oldest is touched last, and its resolution target was missed.
    expect((await postMessage(t, desk.agent, low.id, { body: 'Looking' })).statusCode).toBe(201);
    await t.database.db.execute(sql`update tickets set resolution_breached = true where id = ${low.id}`);

    const inBothOrders = async (sort: string, reverse: 'asc' | 'desc', expected: string[]) => {
      expect(await allPages(desk.agent, `?sort=${sort}&limit=1`), sort).toEqual(expected);
      expect(await allPages(desk.agent, `?sort=${sort}&limit=100`), sort).toEqual(expected);
      expect(await allPages(desk.agent, `?sort=${sort}&order=${reverse}&limit=3`), sort).toEqual([...expected].reverse());
    };
    await inBothOrders('created', 'asc', ['Normal', 'High', 'Urgent', 'Low']);
    await inBothOrders('updated', 'asc', ['Low', 'Normal', 'High', 'Urgent']);
    await inBothOrders('priority', 'asc', ['Urgent', 'High', 'Normal', 'Low']);
    // Due: the SLA targets still to meet, soonest first; urgent ones are the shortest.
    const due = await allPages(desk.agent, '?sort=due&limit=100');
    expect(due[0]).toBe('Urgent');
    await inBothOrders('due', 'desc', due);
    // Attention: the missed target first whatever its priority, then urgent, high, normal.
    await inBothOrders('attention', 'asc', ['Low', 'Urgent', 'High', 'Normal']);
    // Filters and visibility hold in every order.
    expect(await allPages(desk.agent, '?sort=priority&status=open&assigneeId=none&limit=1')).toEqual(['Urgent', 'High', 'Normal', 'Low']);
    expect(await allPages(desk.otherCustomer, '?sort=attention&limit=1')).toEqual([]);
    expect(await allPages(desk.customer, '?sort=priority&limit=2')).toEqual(['Urgent', 'High', 'Normal', 'Low']);
  });

  it('refuses a sort with a search, an unknown sort, and a cursor from another order, with readable 400s', async () => {
    await openTicket(t, desk.customer, { subject: 'One' });
    await openTicket(t, desk.customer, { subject: 'Two' });
    const refused = async (query: string, code: string) => {
      const response = await t.request({ method: 'GET', url: `/api/tickets${query}`, token: desk.agent.accessToken });
      expect(response.statusCode, query).toBe(400);
      expect(response.json<{ error: { code: string; message: string } }>().error.code, query).toBe(code);
    };
    await refused('?q=one&sort=priority', 'sort_with_search');
    await refused('?q=one&order=asc', 'sort_with_search');
    await refused('?sort=shoe-size', 'invalid_input');
    const byPriority = await getJson<Page>(t, desk.agent, '/api/tickets?sort=priority&limit=1');
    expect(byPriority.nextCursor).not.toBeNull();
    await refused(`?limit=1&cursor=${byPriority.nextCursor ?? ''}`, 'invalid_cursor');
    await refused(`?sort=priority&order=asc&limit=1&cursor=${byPriority.nextCursor ?? ''}`, 'invalid_cursor');
    expect((await getJson<Page>(t, desk.agent, '/api/tickets?q=one')).items.map((ticket) => ticket.subject)).toEqual(['One']);
  });

  it('searches subject, description and messages in full text, internal notes only for those who may read them', async () => {
    const printer = await openTicket(t, desk.customer, { subject: 'Printer jammed', description: 'Paper stuck in tray two' });
    const billing = await openTicket(t, desk.customer, { subject: 'Billing question', description: 'Charged twice this month' });
    await openTicket(t, desk.customer, { subject: 'Password reset', description: 'Forgot it' });
    await postMessage(t, desk.customer, billing.id, { body: 'Also the refund never arrived' });
    await postMessage(t, desk.agent, printer.id, { body: 'Suspect the fuser assembly', internal: true });

    expect(await subjects(desk.agent, '?q=printers')).toEqual(['Printer jammed']); // stemmed
    expect(await subjects(desk.agent, '?q=tray')).toEqual(['Printer jammed']);
    expect(await subjects(desk.agent, '?q=refunds')).toEqual(['Billing question']);
    expect(await subjects(desk.agent, '?q=fuser')).toEqual(['Printer jammed']);
    expect(await subjects(desk.customer, '?q=fuser')).toEqual([]);
    // An agent whose role may not read notes does not find them either.
    await setRolePermissions(t, desk.manager, 'agent', (await currentPermissions(t, desk.manager, 'agent')).filter((p) => p !== 'tickets.note'));
    expect(await subjects(desk.agent, '?q=fuser')).toEqual([]);
    expect(await subjects(desk.manager, '?q=fuser')).toEqual(['Printer jammed']);
    expect(await subjects(desk.agent, '?q=' + encodeURIComponent('"charged twice"'))).toEqual(['Billing question']);
    expect(await subjects(desk.agent, '?q=' + encodeURIComponent('question -twice'))).toEqual([]);
    expect(await subjects(desk.agent, '?q=' + encodeURIComponent('jammed or charged'))).toEqual(['Billing question', 'Printer jammed']);
    expect(await subjects(desk.agent, '?q=refund&status=open')).toEqual(['Billing question']);
    expect(await subjects(desk.agent, '?q=refund&status=closed')).toEqual([]);
    // Operators and quotes from a search box are never a syntax error.
    for (const q of ["it's", '&|!():*', "'", '"', '   ']) {
      const response = await t.request({ method: 'GET', url: `/api/tickets?q=${encodeURIComponent(q)}`, token: desk.agent.accessToken });
      expect(response.statusCode, q).toBe(200);
    }
    expect(await subjects(desk.agent, '?q=')).toHaveLength(3);
  });

  it('matches words by prefix as one types, and finds a ticket by its number', async () => {
    const printer = await openTicket(t, desk.customer, { subject: 'Printer jammed', description: 'Paper stuck in tray two' });
    await openTicket(t, desk.customer, { subject: 'Printing invoices', description: 'Need copies' });
    const mine = await openTicket(t, desk.otherCustomer, { subject: 'Laptop battery', description: 'Drains by noon' });

    expect(await subjects(desk.agent, '?q=prin')).toEqual(['Printing invoices', 'Printer jammed']);
    expect(await subjects(desk.agent, '?q=invoi')).toEqual(['Printing invoices']);
    expect(await subjects(desk.agent, '?q=paper%20tr')).toEqual(['Printer jammed']);
    expect(await subjects(desk.agent, '?q=tray%20pri')).toEqual(['Printer jammed']);
    expect(await subjects(desk.agent, '?q=batt')).toEqual(['Laptop battery']);
    expect(await subjects(desk.agent, '?q=pri%20jam')).toEqual(['Printer jammed']);
    expect(await subjects(desk.agent, '?q=pri%20lap')).toEqual([]);

    expect(await subjects(desk.agent, `?q=${encodeURIComponent(`#${printer.number}`)}`)).toEqual(['Printer jammed']);
    expect(await subjects(desk.agent, `?q=${printer.number}`)).toEqual(['Printer jammed']);
    expect(await subjects(desk.agent, `?q=${encodeURIComponent(`#${printer.number}`)}&status=closed`)).toEqual([]);
    // A number finds only a ticket the caller may see.
    expect(await subjects(desk.customer, `?q=${encodeURIComponent(`#${mine.number}`)}`)).toEqual([]);
    expect(await subjects(desk.otherCustomer, `?q=${encodeURIComponent(`#${mine.number}`)}`)).toEqual(['Laptop battery']);
    expect(await subjects(desk.agent, '?q=%23999999')).toEqual([]);
  });

  const allPages = async (user: TestUser, query: string) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await getJson<Page>(t, user, `/api/tickets${query}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((ticket) => ticket.subject));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  };

  it('finds the same hits, page by page, with the same rules, however common the word is and however old its hits', async () => {
    await openTicket(t, desk.customer, { subject: 'Walrus sighting' });
    const byMessage = await openTicket(t, desk.customer, { subject: 'Old message' });
    expect((await postMessage(t, desk.customer, byMessage.id, { body: 'The walrus is back.' })).statusCode).toBe(201);
    const byNote = await openTicket(t, desk.customer, { subject: 'Only a note' });
    expect((await postMessage(t, desk.agent, byNote.id, { body: 'walrus', internal: true })).statusCode).toBe(201);
    const theirs = await openTicket(t, desk.otherCustomer, { subject: 'Their walrus' });
    await openTicket(t, desk.customer, { subject: 'Walrus again' });
    const addFillers = (count: number) =>
      t.database.db.execute(sql`insert into tickets (subject, description, requester_id)
        select 'Filler ' || n, 'Nothing to find here.', ${desk.customer.user.id} from generate_series(1, ${count}) n`);

    const expectEveryRule = async () => {
      // Staff read notes, so find the ticket that says it only in a note; its customer does not.
      const everyHit = ['Walrus again', 'Their walrus', 'Only a note', 'Old message', 'Walrus sighting'];
      expect(await allPages(desk.agent, '?q=walrus&limit=2')).toEqual(everyHit);
      expect(await allPages(desk.agent, '?q=walrus&limit=25')).toEqual(everyHit);
      expect(await allPages(desk.agent, `?q=walrus&limit=1&requesterId=${desk.otherCustomer.user.id}`)).toEqual(['Their walrus']);
      expect(await allPages(desk.agent, '?q=walrus&status=closed')).toEqual([]);
      expect(await allPages(desk.customer, '?q=walrus&limit=2')).toEqual(['Walrus again', 'Old message', 'Walrus sighting']);
      expect(await allPages(desk.otherCustomer, '?q=walrus&limit=2')).toEqual(['Their walrus']);
    };
    await expectEveryRule();

    // The hits lie behind many newer tickets.
    await addFillers(500);
    await expectEveryRule();

    // Many messages of one ticket say it, written in one statement.
    await t.database.db.execute(sql`insert into ticket_messages (ticket_id, author_id, body)
      select ${theirs.id}, ${desk.otherCustomer.user.id}, 'Another walrus, number ' || n from generate_series(1, 200) n`);
    await expectEveryRule();

    // A word in the newest tickets is found newest first.
    const fillers = await getJson<Page>(t, desk.agent, '/api/tickets?q=filler&limit=3');
    expect(fillers.items.map((ticket) => ticket.subject)).toEqual(['Filler 500', 'Filler 499', 'Filler 498']);
    const next = await getJson<Page>(t, desk.agent, `/api/tickets?q=filler&limit=2&cursor=${fillers.nextCursor ?? ''}`);
    expect(next.items.map((ticket) => ticket.subject)).toEqual(['Filler 497', 'Filler 496']);
  });

  it('walks the newest tickets for a common word and reads the GIN index for a rare one or past the walk, with the same answers', async () => {
    const quiet = await openTicket(t, desk.customer, { subject: 'Quiet one' });
    expect((await postMessage(t, desk.agent, quiet.id, { body: 'A narwhal, says the courier', internal: true })).statusCode).toBe(201);
    const addTickets = (subject: string, count: number) =>
      t.database.db.execute(sql`insert into tickets (subject, description, requester_id)
        select ${subject} || ' ' || n, 'Nothing else here.', ${desk.customer.user.id} from generate_series(1, ${count}) n`);
    // How many tickets the statistics give a word: what sends its search down the walk or to the GIN index.
    const estimatedHits = async (word: string) => {
      await t.database.db.execute(sql`analyze tickets`);
      const [row] = await queryRows<{ hits: number }>(t.database.db, sql`select search_hits_estimate(to_tsquery('english', ${word}), 'staff_search') as hits`);
      return row?.hits;
    };
    // A common word (more hits than a rare one has) and a rare one, every hit behind newer tickets.
    const fillers = 2000;
    await addTickets('Walrus', RARE_HITS + 5);
    await addTickets('Narwhal', 3);
    await addTickets('Filler', fillers);
    expect(await estimatedHits('walrus:*')).toBeGreaterThan(RARE_HITS);
    expect(await estimatedHits('narwhal:*')).toBeLessThanOrEqual(RARE_HITS);
    const walruses = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => `Walrus ${from - i}`);

    const common = await getJson<Page>(t, desk.agent, '/api/tickets?q=walrus&limit=25');
    expect(common.items.map((ticket) => ticket.subject)).toEqual(walruses(RARE_HITS + 5, RARE_HITS - 19));
    const commonNext = await getJson<Page>(t, desk.agent, `/api/tickets?q=walrus&limit=3&cursor=${common.nextCursor ?? ''}`);
    expect(commonNext.items.map((ticket) => ticket.subject)).toEqual(walruses(RARE_HITS - 20, RARE_HITS - 22));
    expect(await allPages(desk.agent, '?q=narwhal&limit=2')).toEqual(['Narwhal 3', 'Narwhal 2', 'Narwhal 1', 'Quiet one']);
    // The note stays the staff's in the index too.
    expect(await allPages(desk.customer, '?q=narwhal&limit=2')).toEqual(['Narwhal 3', 'Narwhal 2', 'Narwhal 1']);
    // Few tickets pass the filters: the walk reads them all and stops.
    expect(await allPages(desk.otherCustomer, '?q=walrus')).toEqual([]);
    expect(await subjects(desk.agent, '?q=filler&limit=3')).toEqual([0, 1, 2].map((i) => `Filler ${fillers - i}`));

    // Exactly a page (and the row that tells a next page exists) among the newest: the next page walks on behind it.
    await addTickets('Late walrus', 3);
    const late = await getJson<Page>(t, desk.agent, '/api/tickets?q=walrus&limit=2');
    expect(late.items.map((ticket) => ticket.subject)).toEqual(['Late walrus 3', 'Late walrus 2']);
    const lateNext = await getJson<Page>(t, desk.agent, `/api/tickets?q=walrus&limit=2&cursor=${late.nextCursor ?? ''}`);
    expect(lateNext.items.map((ticket) => ticket.subject)).toEqual(['Late walrus 1', `Walrus ${RARE_HITS + 5}`]);
    // One hit short of that among the newest: the rest comes from behind it.
    expect(await subjects(desk.agent, '?q=walrus&limit=3')).toEqual(['Late walrus 3', 'Late walrus 2', 'Late walrus 1']);
    expect(await subjects(desk.agent, '?q=walrus&limit=5')).toEqual(['Late walrus 3', 'Late walrus 2', 'Late walrus 1', ...walruses(RARE_HITS + 5, RARE_HITS + 4)]);

    // A flood of new tickets without the word between its hits and the newest, as deep as the
    // walk reaches: the walk finds the newest hits, the GIN index the rest. Newer than Walrus
    // 1005 are the fillers, three narwhals and three late walruses; a flood of SEARCH_REACH -
    // fillers - 7 more makes it the walk's last ticket and Walrus 1004 the first one the index
    // gives. The flood only has to stand there, so it is written without triggers (no search
    // documents, no report rows): a quarter of the time on PGlite.
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`insert into tickets (subject, description, requester_id)
        select 'Flood ' || n, 'Nothing else here.', ${desk.customer.user.id} from generate_series(1, ${SEARCH_REACH - fillers - 7}) n`);
    });
    expect(await estimatedHits('walrus:*')).toBeGreaterThan(RARE_HITS);
    const lateWalruses = ['Late walrus 3', 'Late walrus 2', 'Late walrus 1'];
    const floodedPage = await getJson<Page>(t, desk.agent, '/api/tickets?q=walrus&limit=25');
    expect(floodedPage.items.map((ticket) => ticket.subject)).toEqual([...lateWalruses, ...walruses(RARE_HITS + 5, RARE_HITS - 16)]);
    expect(floodedPage.nextCursor).not.toBeNull();
    const flooded = await getJson<Page>(t, desk.agent, '/api/tickets?q=walrus&limit=2');
    expect(flooded.items.map((ticket) => ticket.subject)).toEqual(lateWalruses.slice(0, 2));
    const floodedNext = await getJson<Page>(t, desk.agent, `/api/tickets?q=walrus&limit=3&cursor=${flooded.nextCursor ?? ''}`);
    expect(floodedNext.items.map((ticket) => ticket.subject)).toEqual(['Late walrus 1', ...walruses(RARE_HITS + 5, RARE_HITS + 4)]);

    // The walk reads the document the caller may read: a common word only in a note of the
    // customer's own newest ticket is found by staff, not by the customer.
    const noted = await openTicket(t, desk.customer, { subject: 'Noted' });
    expect((await postMessage(t, desk.agent, noted.id, { body: 'Another walrus, by the gate', internal: true })).statusCode).toBe(201);
    expect(await subjects(desk.agent, '?q=walrus&limit=1')).toEqual(['Noted']);
    expect(await subjects(desk.customer, '?q=walrus&limit=1')).toEqual(['Late walrus 3']);
  });

  // search_hits_estimate (migration 0027) sends a search down the walk or to the GIN index: it
  // must not give fewer hits than a query can have, and must read `or` and negation as a query does.
  it('estimates no more hits for a query than its least common word has, from the statistics ANALYZE keeps', async () => {
    const addCopies = (subject: string, count: number) =>
      t.database.db.execute(sql`insert into tickets (subject, description, requester_id)
        select ${subject}, 'Thanks.', ${desk.customer.user.id} from generate_series(1, ${count})`);
    const estimate = async (query: ReturnType<typeof sql>, document = 'staff_search') => {
      const [row] = await queryRows<{ hits: number }>(t.database.db, sql`select search_hits_estimate(${query}, ${document}) as hits`);
      return row?.hits;
    };
    const prefixes = (text: string) => estimate(sql`to_tsquery('english', ${text})`);
    const web = (text: string) => estimate(sql`websearch_to_tsquery('english', ${text})`);
    await addCopies('Printer jammed', 60);
    await addCopies('Printing slow', 30);
    await addCopies('Teapot', 10);
    await t.database.db.execute(sql`analyze tickets`);
    expect(await prefixes('printer:*')).toBeCloseTo(60);
    expect(await prefixes('printer')).toBeCloseTo(60);
    // A prefix counts every lexeme it begins: print (Printing) and printer.
    expect(await prefixes('print:*')).toBeCloseTo(90);
    expect(await prefixes('printer:* & teapot:*')).toBeCloseTo(10);
    expect(await web('"printer jammed"')).toBeCloseTo(60);
    expect(await web('printer -teapot')).toBeCloseTo(60);
    expect(await estimate(sql`to_tsquery('english', 'printer:*')`, 'public_search')).toBeCloseTo(60);
    // A word the statistics do not hold, and a query of stop words only.
    expect(await prefixes('narwhal:*')).toBe(0);
    expect(await prefixes('printer:* & narwhal:*')).toBe(0);
    expect(await web('the')).toBe(0);
    // Either of two words, or only a negation: no bound.
    expect(await web('teapot or narwhal')).toBe(Infinity);
    expect(await web('-teapot')).toBe(Infinity);
    expect(await web('printer -"teapot jammed"')).toBe(Infinity);
  });

  it('pages with an opaque cursor until nextCursor is null', async () => {
    for (let i = 1; i <= 7; i++) await openTicket(t, desk.customer, { subject: `T${i}` });
    const first = await getJson<Page>(t, desk.agent, '/api/tickets?limit=3');
    expect(first.items.map((ticket) => ticket.subject)).toEqual(['T7', 'T6', 'T5']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await getJson<Page>(t, desk.agent, `/api/tickets?limit=3&cursor=${first.nextCursor ?? ''}`);
    expect(second.items.map((ticket) => ticket.subject)).toEqual(['T4', 'T3', 'T2']);
    const third = await getJson<Page>(t, desk.agent, `/api/tickets?limit=3&cursor=${second.nextCursor ?? ''}`);
    expect(third).toEqual({ items: [expect.objectContaining({ subject: 'T1' })], nextCursor: null });
    const exact = await getJson<Page>(t, desk.agent, '/api/tickets?limit=7');
    expect(exact.nextCursor).toBeNull();
    const defaults = await getJson<Page>(t, desk.agent, '/api/tickets');
    expect(defaults.items).toHaveLength(7);
  });

  it('keeps the visibility filter on every page of a customer', async () => {
    for (let i = 0; i < 4; i++) {
      await openTicket(t, desk.customer, { subject: `mine ${i}` });
      await openTicket(t, desk.otherCustomer, { subject: `theirs ${i}` });
    }
    expect(await allPages(desk.customer, '?limit=2')).toEqual(['mine 3', 'mine 2', 'mine 1', 'mine 0']);
  });
});
