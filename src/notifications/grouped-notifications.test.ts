import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { callJson, call, openTicketAt, runRules, setClock } from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { createDesk, type Desk } from '../tickets/tickets.test-support.js';
import type { NotificationKind } from './notification-kinds.js';
import { notifications } from './notifications.schema.js';

interface NotificationJson {
  id: string;
  type: string;
  ticketId: string;
  title: string;
  count: number;
  readAt: string | null;
}
interface GroupTicketJson {
  id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
}

/**
 * Many events of one kind in one run (an SLA and escalation run, a bulk request) are one
 * notification per recipient, with its tickets behind it, each recipient's own.
 */
describeEachDatabase('grouped notifications', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    // The clock only moves forward from here (rate limit windows are kept by it).
    setClock(t, '2026-03-02T08:00:00Z');
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const list = async (user: TestUser) => (await callJson<{ items: NotificationJson[] }>(t, user, 'GET', '/api/notifications')).items;
  const ticketsOf = async (user: TestUser, id: string, query = '') =>
    callJson<{ items: GroupTicketJson[]; nextCursor: string | null }>(t, user, 'GET', `/api/notifications/${id}/tickets${query}`);
  const rowsOf = (user: TestUser, type: NotificationKind) =>
    t.database.db.select().from(notifications).where(and(eq(notifications.userId, user.user.id), eq(notifications.type, type)));

  async function openTickets(count: number, user = desk.customer): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      ids.push((await openTicketAt(t, user, '2026-03-02T09:00:00Z', { subject: `Broken thing ${index}` })).id);
    }
    return ids;
  }

  it('tells each manager once of all the SLA misses of one run, and lists the tickets behind it', async () => {
    const ids = await openTickets(3);
    setClock(t, '2026-03-09T09:00:00Z');
    await runRules(t, desk.manager);

    const [grouped, ...others] = (await list(desk.manager)).filter((item) => item.type === 'sla_breached');
    expect(others).toEqual([]);
    expect(grouped).toMatchObject({ count: 3, title: '3 tickets missed their SLA', readAt: null });
    // One row: the stream carries one event for it.
    expect(await rowsOf(desk.manager, 'sla_breached')).toHaveLength(1);
    expect(await callJson(t, desk.manager, 'GET', '/api/notifications/unread-count')).toEqual({ count: 1 });

    const page = await ticketsOf(desk.manager, grouped?.id ?? '');
    expect(page.items.map((ticket) => ticket.id).sort()).toEqual([...ids].sort());
    expect(page.items[0]).toMatchObject({ subject: 'Broken thing 0', status: 'open', priority: 'normal' });
    // Paged by ticket number.
    const first = await ticketsOf(desk.manager, grouped?.id ?? '', '?limit=2');
    expect(first.items).toHaveLength(2);
    const rest = await ticketsOf(desk.manager, grouped?.id ?? '', `?limit=2&cursor=${first.nextCursor ?? ''}`);
    expect(rest).toMatchObject({ items: [{ id: page.items[2]?.id }], nextCursor: null });

    // A later run with nothing new adds nothing; a single miss stays a plain notification.
    await runRules(t, desk.manager);
    expect(await rowsOf(desk.manager, 'sla_breached')).toHaveLength(1);
    // Four hours (normal priority): the first response alone is missed.
    const late = await openTicketAt(t, desk.customer, '2026-03-10T09:00:00Z');
    setClock(t, '2026-03-10T14:00:00Z');
    await runRules(t, desk.manager);
    const singles = (await list(desk.manager)).filter((item) => item.type === 'sla_breached' && item.count === 1);
    expect(singles).toMatchObject([{ ticketId: late.id, title: expect.stringMatching(/^#\d+ missed its SLA/) as unknown }]);
  });

  it("groups a bulk request's changes per recipient: each customer hears of their own tickets only", async () => {
    const other = desk.otherCustomer;
    const mine = await openTickets(2);
    const theirs = await openTickets(1, other);
    const { results } = await callJson<{ results: { ok: boolean }[] }>(t, desk.manager, 'POST', '/api/tickets/bulk', {
      ids: [...mine, ...theirs],
      changes: { status: 'resolved', assigneeId: desk.agent.user.id },
    });
    expect(results.every((result) => result.ok)).toBe(true);

    const resolved = (await list(desk.customer)).filter((item) => item.type === 'ticket_resolved');
    expect(resolved).toMatchObject([{ count: 2, title: '2 tickets of yours were resolved' }]);
    expect((await ticketsOf(desk.customer, resolved[0]?.id ?? '')).items.map((ticket) => ticket.id).sort()).toEqual([...mine].sort());
    expect((await list(other)).filter((item) => item.type === 'ticket_resolved')).toMatchObject([{ count: 1, ticketId: theirs[0] }]);
    expect((await list(desk.agent)).filter((item) => item.type === 'ticket_assigned')).toMatchObject([{ count: 3, title: '3 tickets were assigned to you' }]);
  });

  it("counts and lists only the tickets the reader may still see: a restricted agent who lost one", async () => {
    const agent = await createUser(t, { role: 'agent', name: 'Bill Agent' });
    const team = await callJson<{ id: string }>(t, desk.manager, 'POST', '/api/teams', { name: 'Billing', restrictAgents: true }, 201);
    await callJson(t, desk.manager, 'PUT', `/api/teams/${team.id}/members/${agent.user.id}`);
    const ids = await openTickets(3);
    await callJson(t, desk.manager, 'POST', '/api/tickets/bulk', { ids, changes: { assigneeId: agent.user.id } });
    const [group] = await list(agent);
    expect(group).toMatchObject({ type: 'ticket_assigned', count: 3 });

    // Given to someone else: outside the agent's team, the ticket no longer exists for them.
    await callJson(t, desk.manager, 'PATCH', `/api/tickets/${ids[0] ?? ''}`, { assigneeId: desk.agent.user.id });
    const [after] = (await list(agent)).filter((item) => item.id === group?.id);
    expect(after).toMatchObject({ count: 2, title: '2 tickets were assigned to you' });
    expect((await ticketsOf(agent, group?.id ?? '')).items.map((ticket) => ticket.id).sort()).toEqual(ids.slice(1).sort());
  });

  it("keeps one's notifications one's own: 404 for another's, 401 without a token, 400 for a malformed id", async () => {
    await openTickets(2);
    setClock(t, '2026-03-09T09:00:00Z');
    await runRules(t, desk.manager);
    const [group] = await list(desk.manager);
    const url = `/api/notifications/${group?.id ?? ''}/tickets`;
    for (const user of [desk.agent, desk.customer]) {
      const response = await call(t, user, 'GET', url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'notification_not_found' } });
    }
    expect((await t.request({ method: 'GET', url })).statusCode).toBe(401);
    expect((await call(t, desk.manager, 'GET', '/api/notifications/abc/tickets')).statusCode).toBe(400);
  });
});
