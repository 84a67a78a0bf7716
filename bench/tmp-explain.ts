import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { listTicketViews } from '../src/tickets/ticket-list.repository.js';
const captured: { text: string; values: unknown[] }[] = [];
const fake = { query: async (config: { text: string }, values: unknown[]) => { captured.push({ text: config.text, values }); return { rows: [], fields: [], command: 'SELECT', rowCount: 0 }; } };
const db = drizzle(fake as never) as never;
const client = new pg.Client({ connectionString: process.argv[2], options: '-c jit=off' });
await client.connect();
for (const q of process.argv.slice(3)) {
  captured.length = 0;
  await listTicketViews(db, { visibility: { kind: 'all' }, search: q === 'QUEUE' ? undefined : q, statuses: q === 'QUEUE' ? ['open'] : undefined, assigneeId: q === 'QUEUE' ? null : undefined, searchDocument: 'staff', order: q === 'QUEUE' ? { sort: 'priority', order: 'desc' } : { sort: 'created', order: 'desc' }, limit: 26 });
  const { text, values } = captured[0]!;
  for (let i = 0; i < 3; i++) await client.query(text, values);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) { const t0 = performance.now(); await client.query(text, values); times.push(performance.now() - t0); }
  const plan = await client.query(`explain (analyze, buffers) ${text}`, values);
  const lines = plan.rows.map((r) => r['QUERY PLAN'] as string);
  console.log(`${q}: ${times.map((t) => t.toFixed(1)).join(' ')} ms; ${lines.filter((l) => /Execution Time|Planning Time/.test(l)).join(' ')}`);
  if (process.env.PLAN) console.log(lines.join('\n'));
}
await client.end();
