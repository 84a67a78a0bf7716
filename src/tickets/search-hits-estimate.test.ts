import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, type Desk } from './tickets.test-support.js';

/**
 * `search_hits_estimate` (migration 0027) decides whether a search walks the newest tickets or
 * reads the GIN index. It must never give fewer hits than a query can have where a walk would
 * be the wrong choice, and must read `or` and negation as a query does.
 */
describeEachDatabase('search hits estimate', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const addTickets = (subject: string, count: number) =>
    t.database.db.execute(sql`insert into tickets (subject, description, requester_id)
      select ${subject}, 'Thanks.', ${desk.customer.user.id} from generate_series(1, ${count})`);
  const estimate = async (query: ReturnType<typeof sql>, document = 'staff_search') => {
    const [row] = await queryRows<{ hits: number }>(t.database.db, sql`select search_hits_estimate(${query}, ${document}) as hits`);
    return row?.hits;
  };
  const prefixes = (text: string) => estimate(sql`to_tsquery('english', ${text})`);
  const web = (text: string) => estimate(sql`websearch_to_tsquery('english', ${text})`);

  it('gives a query no more hits than its least common word, from the statistics ANALYZE keeps', async () => {
    await addTickets('Printer jammed', 60);
    await addTickets('Printing slow', 30);
    await addTickets('Teapot', 10);
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
});
