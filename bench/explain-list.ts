/**
 * Times the queue's and search's statements on a seeded database, as the app sends them
 * (JIT off, as src/db/database.ts connects; named when the app names them, and run often
 * enough that PostgreSQL may settle on one plan), with their plans on request:
 *   npx tsx bench/explain-list.ts postgres://postgres@127.0.0.1:5432/bench_1m refund ORD-0488123 --queue [--plans]
 * Each text is searched as an agent who reads internal notes; `--queue` is the open,
 * unassigned tab by priority, `--queue:urgent` (or another priority) as the bench's queue scenario
 * asks for it.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { nameOfText, PLAN_ONCE } from '../src/db/statement-names.js';
import { listTicketViews, type TicketListFilter } from '../src/tickets/ticket-list.repository.js';
import type { TicketPriority } from '../src/tickets/ticket-status.js';

const [url, ...args] = process.argv.slice(2);
if (!url) throw new Error('usage: tsx bench/explain-list.ts <postgres url> [search text…] [--queue] [--plans]');
const showPlans = args.includes('--plans');
const cases = args.filter((arg) => arg !== '--plans');

// A driver that never connects: it keeps the statement the list would send.
const sent: { text: string; name: string | undefined; values: unknown[] }[] = [];
const capturing = {
  query: (config: { text: string; name?: string }, values: unknown[]) => {
    sent.push({ text: config.text, name: config.name === PLAN_ONCE ? nameOfText(config.text) : undefined, values });
    return Promise.resolve({ rows: [], fields: [], command: 'SELECT', rowCount: 0 });
  },
};
const capturingDb = drizzle(capturing as unknown as pg.Pool);

function filterFor(text: string): TicketListFilter {
  const everyone = { visibility: { kind: 'all' }, searchDocument: 'staff', limit: 26 } as const;
  const queue = /^--queue(?::(urgent|high|normal|low))?$/.exec(text);
  if (queue) return { ...everyone, statuses: ['open'], assigneeId: null, priority: queue[1] as TicketPriority | undefined, order: { sort: 'priority', order: 'desc' } };
  return { ...everyone, search: text, order: { sort: 'created', order: 'desc' } };
}

const client = new pg.Client({ connectionString: url, options: '-c jit=off' });
await client.connect();
try {
  for (const text of cases) {
    sent.length = 0;
    await listTicketViews(capturingDb, filterFor(text));
    const [statement] = sent;
    if (!statement) throw new Error('the list sent no statement');
    const run = () => client.query({ text: statement.text, name: statement.name, values: statement.values });
    // Past five runs of a named statement PostgreSQL may keep one plan for any values.
    for (let i = 0; i < 6; i += 1) await run();
    const times: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      await run();
      times.push((performance.now() - started).toFixed(1));
    }
    const plan = (await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${statement.text}`, statement.values)).rows.map(
      (row) => row['QUERY PLAN'],
    );
    const summary = plan.filter((line) => /^(Planning|Execution) Time/.test(line)).join(', ');
    console.log(`${text}${statement.name ? ' (named)' : ''}: round trips ${times.join(' ')} ms; ${summary}`);
    if (showPlans) console.log(plan.join('\n'));
  }
} finally {
  await client.end();
}
