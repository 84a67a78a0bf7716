import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openPglite, openPostgres, type Database } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase, type DatabaseKind } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { cachedSlaSettings } from './sla-tracking.js';
import { saveCalendar, savePolicy } from './sla.repository.js';
import { callJson, openTicketAt } from './sla.test-support.js';

/**
 * Every process keeps SLA policies and business hours in memory for its ticket writes. A
 * copy that outlives a change is a bug (a ticket due at the old policy's time), so each
 * way a change can happen is shown to reach the next write.
 */

const MINUTE = 60_000;

/** A second server process's view of the same database: its own connections, its own cache. */
async function anotherProcess(kind: DatabaseKind, t: TestApp): Promise<Database> {
  if (kind === 'pglite') return openPglite((t.database.db as unknown as { $client: PGlite }).$client);
  if (!t.database.url) throw new Error('a PostgreSQL test database has a URL');
  return openPostgres(t.database.url, 1);
}

const normalFirstResponseMinutes = async (t: TestApp) =>
  (await cachedSlaSettings(t.ctx.database)).policies.find((policy) => policy.priority === 'normal')?.firstResponseMinutes;

const dueInMinutes = (ticket: { createdAt: string; firstResponseDueAt: string | null }) =>
  ticket.firstResponseDueAt === null ? null : (Date.parse(ticket.firstResponseDueAt) - Date.parse(ticket.createdAt)) / MINUTE;

// NOTIFY reaches another connection a moment after the commit; generous for a loaded machine.
const poll = { timeout: 15_000, interval: 20 };

describeEachDatabase('cached SLA settings', (kind) => {
  let t: TestApp;
  let customer: TestUser;
  let manager: TestUser;
  let other: Database | undefined;

  beforeEach(async () => {
    t = await createTestApp(kind);
    customer = await createUser(t, { role: 'customer' });
    manager = await createUser(t, { role: 'manager' });
    // The default normal policy (240 minutes to a first response), now in this process's cache.
    expect(dueInMinutes(await openTicketAt(t, customer, '2024-03-04T10:00:00Z'))).toBe(240);
  });
  afterEach(async () => {
    // PGlite's second view shares the test's client, which the test app closes.
    if (kind === 'postgres') await other?.close();
    other = undefined;
    await t.close();
  });

  it("applies a manager's policy edit to the very next ticket", async () => {
    await callJson(t, manager, 'PUT', '/api/sla-policies/normal', { firstResponseMinutes: 30, resolutionMinutes: 120 });
    expect(dueInMinutes(await openTicketAt(t, customer, '2024-03-04T10:05:00Z'))).toBe(30);
  });

  it('applies new business hours to the very next ticket', async () => {
    const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));
    await callJson(t, manager, 'PUT', '/api/business-hours', { timezone: 'UTC', days: weekdays, holidays: [] });
    // Friday 16:00 UTC: one business hour left that day, the other three on Monday from 09:00.
    const ticket = await openTicketAt(t, customer, '2024-03-08T16:00:00Z');
    expect(ticket.firstResponseDueAt).toBe('2024-03-11T12:00:00.000Z');
  });

  it("drops this process's copy when another process changes a policy", async () => {
    other = await anotherProcess(kind, t);
    await savePolicy(other.db, { priority: 'normal', firstResponseMinutes: 45, resolutionMinutes: 300 }, t.clock.now());
    await expect.poll(() => normalFirstResponseMinutes(t), poll).toBe(45);
    expect(dueInMinutes(await openTicketAt(t, customer, '2024-03-04T10:05:00Z'))).toBe(45);
  });

  it("drops this process's copy when another process changes the business hours", async () => {
    other = await anotherProcess(kind, t);
    const calendar = { timezone: 'UTC', days: [{ day: 1, start: '09:00', end: '10:00' }], holidays: [] };
    await saveCalendar(other.db, calendar, t.clock.now());
    await expect.poll(async () => (await cachedSlaSettings(t.ctx.database)).calendar, poll).toEqual(calendar);
  });

  it.runIf(kind === 'postgres')('drops its copies when its listening connection comes back after a loss', async () => {
    other = await anotherProcess(kind, t);
    // Whatever was notified while the connection was down is lost: the copies must go anyway.
    await other.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`,
    );
    await savePolicy(other.db, { priority: 'normal', firstResponseMinutes: 50, resolutionMinutes: 300 }, t.clock.now());
    await expect.poll(() => normalFirstResponseMinutes(t), poll).toBe(50);
  });
});
