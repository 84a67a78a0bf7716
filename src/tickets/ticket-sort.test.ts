import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk } from './tickets.test-support.js';
import { afterTicket, orderByClause, SORT_ORDERS, TICKET_SORTS } from './ticket-sort.js';
import { tickets } from './tickets.schema.js';

const SORT_INDEXES = {
  created: 'tickets_number_unique',
  updated: 'tickets_updated_idx',
  priority: 'tickets_priority_rank_idx',
  due: 'tickets_due_idx',
  attention: 'tickets_attention_idx',
};

/**
 * A page of any sort, first or after a cursor, is a walk of that sort's index: the
 * migration's index expressions and the queries' keys must stay the same text. With sorting
 * switched off, a key that drifted from its index shows as a Sort in the plan.
 */
describeEachDatabase('ticket sort indexes', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  const plan = (where: ReturnType<typeof sql> | undefined, order: Parameters<typeof orderByClause>[0]) =>
    t.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_sort = off`);
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_bitmapscan = off`);
      const rows = await queryRows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain select ${tickets.number} from ${tickets} where ${where ?? sql`true`} order by ${orderByClause(order)} limit 25`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });

  it('walks the sort’s own index for every sort and order, first page and next', async () => {
    for (const sort of TICKET_SORTS) {
      for (const direction of SORT_ORDERS) {
        const order = { sort, order: direction };
        for (const where of [undefined, afterTicket(order, 1)]) {
          const text = await plan(where, order);
          expect(text, `${sort} ${direction}`).toContain(SORT_INDEXES[sort]);
          expect(text, `${sort} ${direction}`).not.toMatch(/\bSort\b/);
        }
      }
    }
  });

  /*
   * The unassigned tab's tickets are the open ones: as if status and assignee were
   * independent, the planner took them for a hundredth of what they are at 1M and joined
   * and sorted them all instead of walking a sort's index (migration 0024).
   */
  it('estimates the open, unassigned tickets from their joint frequency, not as independent columns', async () => {
    const desk = await createDesk(t);
    const requester = desk.customer.user.id;
    const agent = desk.agent.user.id;
    await t.database.db.execute(sql`insert into tickets (subject, description, requester_id, status, assignee_id)
      select 'Done ' || n, 'Nothing else here.', ${requester}, 'closed', ${agent} from generate_series(1, 2700) n`);
    await t.database.db.execute(sql`insert into tickets (subject, description, requester_id)
      select 'Waiting ' || n, 'Nothing else here.', ${requester} from generate_series(1, 300) n`);
    await t.database.db.execute(sql`analyze tickets`);
    const [row] = await queryRows<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
      t.database.db,
      sql`explain (format json) select 1 from ${tickets} where ${tickets.status} = 'open' and ${tickets.assigneeId} is null`,
    );
    // Independent columns would make it 300 × 300 / 3000 = 30.
    expect(row?.['QUERY PLAN'][0].Plan['Plan Rows']).toBeGreaterThan(200);
  });
});
