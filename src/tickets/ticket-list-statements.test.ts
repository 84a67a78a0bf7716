import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { NAMED_PER_CONNECTION } from '../db/statement-names.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { createTestDatabase, describeEachDatabase, describeOnPostgres, type DatabaseKind } from '../test/databases.js';
import { countTicketsUpTo, listTicketViews, type TicketListFilter } from './ticket-list.repository.js';
import type { TicketStatus } from './ticket-status.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk } from './tickets.test-support.js';

const everyone = { visibility: { kind: 'all' }, searchDocument: 'staff' } as const;
const unassignedByPriority = (priority: 'high' | 'low'): TicketListFilter => ({
  ...everyone,
  statuses: ['open'],
  assigneeId: null,
  priority,
  order: { sort: 'priority', order: 'desc' },
  limit: 26,
});

async function deskWithTickets(kind: DatabaseKind, poolSize?: number): Promise<{ t: TestApp; desk: Desk }> {
  const t = await createTestApp(kind, {}, { database: await createTestDatabase(kind, poolSize) });
  const desk = await createDesk(t);
  for (const priority of ['high', 'low', 'high']) {
    const ticket = await openTicket(t, desk.customer, { subject: `A ${priority} one` });
    expect((await patchTicket(t, desk.manager, ticket.id, { priority })).statusCode).toBe(200);
  }
  return { t, desk };
}

describeEachDatabase("the queue's statements", (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    ({ t, desk } = await deskWithTickets(kind));
  });
  afterEach(() => t.close());

  it('pages through one priority sorted by priority, newest first or oldest first, as the numbers run', async () => {
    const high = [];
    for (let i = 0; i < 3; i += 1) {
      const ticket = await openTicket(t, desk.customer, { subject: `High ${i}` });
      expect((await patchTicket(t, desk.manager, ticket.id, { priority: 'high' })).statusCode).toBe(200);
      high.push(ticket.subject);
    }
    const pages = async (order: 'asc' | 'desc') => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/api/tickets?priority=high&status=open&sort=priority&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page: { items: { subject: string }[]; nextCursor: string | null } = await getJson(t, desk.agent, query);
        seen.push(...page.items.map((ticket) => ticket.subject));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const all = ['A high one', 'A high one', ...high];
    expect(await pages('desc')).toEqual([...all].reverse());
    expect(await pages('asc')).toEqual(all);
  });

  it('refuses a status it does not know before anything reaches the database', async () => {
    const forged = { ...unassignedByPriority('high'), statuses: ["open') or ('1' = '1" as TicketStatus] };
    await expect(listTicketViews(t.ctx.database.db, forged)).rejects.toThrow(/unknown ticket status/);
  });
});

describeOnPostgres("the list's statements, named", () => {
  let t: TestApp;
  beforeEach(async () => {
    // One connection: the statements and the plans asked about below are all on it.
    ({ t } = await deskWithTickets('postgres', 1));
  });
  afterEach(() => t.close());

  /** How many times each statement prepared on the connection whose text has `pattern` (LIKE) ran a plan made for any values. */
  const genericPlansOf = async (pattern: string) =>
    (
      await queryRows<{ genericPlans: number }>(
        t.ctx.database.db,
        sql`select generic_plans::int as "genericPlans" from pg_prepared_statements where statement like ${pattern}`,
      )
    ).map((row) => row.genericPlans);

  it('keeps a page of the queue prepared, its statuses and limit in its text, and reuses one plan for any priority', async () => {
    for (let run = 0; run < 8; run += 1) {
      const page = await listTicketViews(t.ctx.database.db, unassignedByPriority(run % 2 === 0 ? 'high' : 'low'));
      expect(page).toHaveLength(run % 2 === 0 ? 2 : 1);
    }
    const plans = await genericPlansOf(`%"tickets"."status" in ('open') and "tickets"."priority" = $1 and "tickets"."assignee_id" is null)% limit 26`);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toBeGreaterThan(0);
  });

  it('keeps a search prepared and reuses one plan for any words, as they choose its path while it runs', async () => {
    const search = (text: string) => listTicketViews(t.ctx.database.db, { ...everyone, search: text, order: { sort: 'created', order: 'desc' }, limit: 26 });
    for (let run = 0; run < 8; run += 1) {
      const [text, hits] = run % 2 === 0 ? ['high', 2] : ['teapot', 0];
      expect(await search(text)).toHaveLength(hits);
    }
    const plans = await genericPlansOf('%search_hits_estimate%');
    expect(plans).toHaveLength(1);
    expect(plans[0]).toBeGreaterThan(0);
  });
});

describeOnPostgres("the queue's statements, past the ones a connection names", () => {
  let t: TestApp;
  // A pool of its own (another size): the connection it fills is not lent to the next test.
  beforeEach(async () => {
    ({ t } = await deskWithTickets('postgres', 2));
  });
  afterEach(() => t.close());

  it('answers every shape, past the ones a connection names as well as among them', async () => {
    // Each limit is a statement of its own, and each is counted too: more than a connection names.
    for (let limit = 1; limit <= NAMED_PER_CONNECTION / 2 + 10; limit += 1) {
      const page = await listTicketViews(t.ctx.database.db, { ...everyone, statuses: ['open'], order: { sort: 'created', order: 'desc' }, limit });
      expect(page.map((ticket) => ticket.subject)).toEqual(['A high one', 'A low one', 'A high one'].slice(0, limit));
      expect(await countTicketsUpTo(t.ctx.database.db, { visibility: everyone.visibility, statuses: ['open'] }, limit)).toBe(Math.min(3, limit));
    }
  });
});

describeOnPostgres('the unassigned tab of one priority', () => {
  let t: TestApp;
  beforeEach(async () => {
    // One connection: the statement explained below is prepared on it.
    ({ t } = await deskWithTickets('postgres', 1));
  });
  afterEach(() => t.close());

  it('reads its page, not the other tickets waiting nor its own closed ones', { timeout: 60_000 }, async () => {
    // A desk of mostly closed tickets of every priority, with a thousand normal ones waiting.
    const db = t.ctx.database.db;
    const [requester] = await queryRows<{ id: string }>(db, sql`select requester_id as id from tickets limit 1`);
    await queryRows(
      db,
      sql`insert into tickets (subject, description, status, priority, requester_id)
        select 'Filler', 'Filler', s.status, s.priority, ${requester?.id}::uuid
        from (values ('closed', 'low', 4750), ('closed', 'normal', 4750), ('closed', 'high', 4750), ('closed', 'urgent', 4750),
          ('open', 'normal', 1000)) s(status, priority, n), generate_series(1, s.n)`,
    );
    await queryRows(db, sql`analyze tickets`);
    // Past five runs PostgreSQL may settle on one plan for any priority: explained below.
    for (let run = 0; run < 8; run += 1) expect(await listTicketViews(db, unassignedByPriority('high'))).toHaveLength(2);

    const [prepared] = await queryRows<{ name: string }>(
      db,
      sql`select name from pg_prepared_statements
        where statement like '%"tickets"."status" in (''open'') and "tickets"."priority" = $1 and "tickets"."assignee_id" is null)%'`,
    );
    type PlanNode = { 'Node Type': string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] };
    const [explained] = await queryRows<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      db,
      sql.raw(`explain (analyze, format json) execute "${prepared?.name}"('high')`),
    );
    // Every row a scan touched, kept or dropped by a filter.
    const rowsRead = (node: PlanNode): number =>
      (node['Node Type'].includes('Scan') ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'] : 0) +
      (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);
    const plan = explained?.['QUERY PLAN'][0].Plan;
    expect(plan && rowsRead(plan)).toBeLessThan(50);
  });
});
