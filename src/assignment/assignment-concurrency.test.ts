import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadActor } from '../auth/actor.repository.js';
import type { Actor } from '../authz/actor.js';
import { createAppContext } from '../compose.js';
import type { AppContext } from '../context.js';
import { openPostgres, queryRows, type Database } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeOnPostgres } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { createTicket } from '../tickets/tickets.service.js';

const TICKETS = 1000;
const AGENTS = 7;
/** Transactions each app instance runs at once: its whole connection pool. */
const WORKERS = 10;

/**
 * Two app instances, each with its own connection pool to one PostgreSQL database (as two
 * processes would be), open 1,000 tickets of one round-robin team at once. Each ticket
 * must get exactly one agent, and the turn must hold across both: counts within one.
 */
describeOnPostgres('automatic assignment across processes', () => {
  let t: TestApp;
  let second: Database;
  let secondCtx: AppContext;

  beforeEach(async () => {
    t = await createTestApp('postgres');
    if (!t.database.url) throw new Error('a PostgreSQL test database has a URL');
    second = await openPostgres(t.database.url, WORKERS);
    secondCtx = createAppContext({ config: t.ctx.config, database: second, now: t.clock.now });
  });
  afterEach(async () => {
    await second.close();
    await t.close();
  });

  const actorOf = async (user: TestUser): Promise<Actor> => {
    const actor = await loadActor(t.database.db, user.user.id, user.sessionId);
    if (!actor) throw new Error('test user has no session');
    return actor;
  };

  /** `count` tickets opened through `ctx`, `WORKERS` at a time. */
  async function openMany(ctx: AppContext, customer: Actor, count: number): Promise<string[]> {
    const ids: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        const ticket = await createTicket(ctx, customer, { subject: `Rush ${next}`, description: 'Everyone at once' });
        ids.push(ticket.id);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    return ids;
  }

  it('assigns each of 1,000 tickets once, round robin balanced within one, with two instances assigning at once', { timeout: 300_000 }, async () => {
    const manager = await createUser(t, { role: 'manager' });
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => createUser(t, { role: 'agent', name: `Agent ${i}` })));
    const team = (await t.request({ method: 'POST', url: '/api/teams', token: manager.accessToken, body: { name: 'Rush', assignment: 'round_robin', isDefault: true } })).json<{ id: string }>();
    for (const agent of agents) {
      const added = await t.request({ method: 'PUT', url: `/api/teams/${team.id}/members/${agent.user.id}`, token: manager.accessToken });
      expect(added.statusCode).toBe(200);
    }
    const customer = await actorOf(await createUser(t, { role: 'customer' }));

    const [viaFirst, viaSecond] = await Promise.all([openMany(t.ctx, customer, TICKETS / 2), openMany(secondCtx, customer, TICKETS / 2)]);
    expect(viaFirst.length + viaSecond.length).toBe(TICKETS);

    const perTicket = await queryRows<{ assignee_id: string | null; assignments: number }>(
      t.database.db,
      sql`select t.assignee_id, (select count(*) from ticket_events e where e.ticket_id = t.id and e.type = 'ticket.assignee_changed')::int as assignments
          from tickets t`,
    );
    expect(perTicket.length).toBe(TICKETS);
    expect(perTicket.filter((row) => row.assignee_id === null || row.assignments !== 1)).toEqual([]);

    const counts = new Map<string, number>();
    for (const row of perTicket) if (row.assignee_id) counts.set(row.assignee_id, (counts.get(row.assignee_id) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(agents.map((agent) => agent.user.id).sort());
    const spread = Math.max(...counts.values()) - Math.min(...counts.values());
    expect(spread, JSON.stringify([...counts.values()])).toBeLessThanOrEqual(1);
  });
});
