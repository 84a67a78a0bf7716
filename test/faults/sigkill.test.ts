import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { summary, ticketLoad } from './support/load.js';
import { callJson, loginManager, registerCustomer, sleep, startServer, tempDir, type ServerProcess } from './support/server.js';

describe('the server killed with SIGKILL during a burst of writes (embedded database)', () => {
  const dataDir = tempDir('sigkill');
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('starts again on the same data, consistent, with every write that answered 2xx', { timeout: 300_000 }, async () => {
    const first = await startServer({ DATA_DIR: dataDir });
    servers.push(first);
    const customer = await registerCustomer(first.url);
    const load = ticketLoad(first.url, customer.accessToken, { concurrency: 6 });
    // Kill in the middle of the burst, once a good number of writes have committed.
    while (load.created().length < 30) await sleep(20);
    first.child.kill('SIGKILL');
    await first.exit;
    const outcomes = await load.stop();
    const created = load.created();
    const context = summary(outcomes);

    const second = await startServer({ DATA_DIR: dataDir });
    servers.push(second);
    const manager = await loginManager(second.url);
    // The customer's session survived too: same secret, same database.
    const mine = await callJson<{ items: { id: string }[] }>(second.url, 'GET', '/api/tickets?limit=100', { token: customer.accessToken });
    const listed = new Set(mine.items.map((ticket) => ticket.id));
    expect(created.filter((id) => !listed.has(id)), `${context}: answered 2xx but gone`).toEqual([]);
    const one = await callJson<{ id: string }>(second.url, 'GET', `/api/tickets/${created[0] ?? ''}`, { token: manager.accessToken });
    expect(one.id).toBe(created[0]);
    // It keeps working after the crash.
    await callJson(second.url, 'POST', '/api/tickets', { token: customer.accessToken, body: { subject: 'After the crash', description: 'x' } });
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);

    // Consistency, read straight from the files: each ticket has its history, numbers are unique.
    const db = new PGlite(path.join(dataDir, 'pgdata'));
    try {
      const orphans = await db.query<{ n: number }>(
        "select count(*)::int as n from tickets t where not exists (select 1 from ticket_events e where e.ticket_id = t.id and e.type = 'ticket.created')",
      );
      expect(orphans.rows[0]?.n, 'tickets without their creation event').toBe(0);
      const numbers = await db.query<{ n: number; distinct: number }>('select count(*)::int as n, count(distinct number)::int as "distinct" from tickets');
      expect(numbers.rows[0]?.n).toBe(numbers.rows[0]?.distinct);
      const stored = await db.query<{ id: string }>('select id::text as id from tickets where id = any($1::uuid[])', [created]);
      expect(stored.rows.length, `${context}: every 2xx ticket is on disk`).toBe(created.length);
      const check = await db.query<{ n: number }>('select count(*)::int as n from ticket_messages m left join tickets t on t.id = m.ticket_id where t.id is null');
      expect(check.rows[0]?.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});
