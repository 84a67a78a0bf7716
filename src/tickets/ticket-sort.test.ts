import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
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
});
