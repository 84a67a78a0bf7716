import { afterEach, beforeEach, expect, it } from 'vitest';
import { callJson } from '../sla/sla.test-support.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

interface EventJson {
  type: string;
  actorId: string | null;
  data: Record<string, unknown>;
}

/** Monday 2 December 2024, just before the end of the day's work (Monday to Friday, 09:00–17:00 UTC). */
const MONDAY_LATE = new Date('2024-12-02T16:55:00Z');
const WEEKDAYS = { timezone: 'UTC', days: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] };

describeEachDatabase('automatic assignment on moving into a team, and business hours', (kind) => {
  let t: TestApp;
  let desk: Desk;
  let team: { id: string };
  beforeEach(async () => {
    t = await createTestApp(kind);
    t.clock.set(MONDAY_LATE);
    desk = await createDesk(t);
    // Not the default team: tickets open without a team and are moved in.
    team = (await send(desk.manager, 'POST', '/api/teams', { name: 'Billing', assignment: 'round_robin' })).json();
    for (const member of [desk.agent, desk.otherAgent]) {
      expect((await send(desk.manager, 'PUT', `/api/teams/${team.id}/members/${member.user.id}`)).statusCode).toBe(200);
    }
  });
  afterEach(() => t.close());

  function send(user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) {
    return t.request({ method, url, body, token: user.accessToken });
  }
  const ticketOf = (id: string) => getJson<TicketJson>(t, desk.manager, `/api/tickets/${id}`);
  const members = () => [desk.agent.user.id, desk.otherAgent.user.id];

  it('assigns a ticket moved into the team by PATCH, by bulk and by an escalation rule, once each, and leaves an assigned one alone', async () => {
    const [byPatch, byBulk, byRule, assigned] = [await openTicket(t, desk.customer), await openTicket(t, desk.customer), await openTicket(t, desk.customer), await openTicket(t, desk.customer)];
    expect(byPatch.assignee).toBeNull();

    const moved = await patchTicket(t, desk.manager, byPatch.id, { teamId: team.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(members()).toContain(moved.json<TicketJson>().assigneeId);
    const history = (await getJson<{ items: EventJson[] }>(t, desk.manager, `/api/tickets/${byPatch.id}/events`)).items;
    expect(history.filter((event) => event.type === 'ticket.assignee_changed')).toEqual([
      expect.objectContaining({ actorId: null, data: { from: null, to: moved.json<TicketJson>().assigneeId, automatic: true } }),
    ]);

    const bulk = await send(desk.manager, 'POST', '/api/tickets/bulk', { ids: [byBulk.id], changes: { teamId: team.id } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    // Round robin: the other member this time.
    const bulkAssignee = (await ticketOf(byBulk.id)).assigneeId;
    expect(members().filter((id) => id !== moved.json<TicketJson>().assigneeId)).toEqual([bulkAssignee]);

    await send(desk.manager, 'PATCH', `/api/tickets/${byRule.id}`, { priority: 'urgent' });
    const rule = await send(desk.manager, 'POST', '/api/escalation-rules', { name: 'Urgent to billing', conditions: { priorities: ['urgent'] }, actions: { setTeam: team.id } });
    expect(rule.statusCode, rule.body).toBe(201);
    expect((await send(desk.manager, 'POST', '/api/escalation-rules/run')).json()).toEqual({ applied: 1 });
    expect(members()).toContain((await ticketOf(byRule.id)).assigneeId);

    // Someone already on it keeps it.
    await patchTicket(t, desk.manager, assigned.id, { assigneeId: desk.manager.user.id });
    expect((await patchTicket(t, desk.manager, assigned.id, { teamId: team.id })).json<TicketJson>().assigneeId).toBe(desk.manager.user.id);
  });

  it('assigns nothing on a move into a team whose assignment is off, nor to a solved ticket', async () => {
    const solved = await openTicket(t, desk.customer);
    expect((await patchTicket(t, desk.manager, solved.id, { status: 'resolved' })).statusCode).toBe(200);
    expect((await patchTicket(t, desk.manager, solved.id, { teamId: team.id })).json<TicketJson>().assignee).toBeNull();

    await send(desk.manager, 'PATCH', `/api/teams/${team.id}`, { assignment: 'off' });
    const ticket = await openTicket(t, desk.customer);
    expect((await patchTicket(t, desk.manager, ticket.id, { teamId: team.id })).json<TicketJson>().assignee).toBeNull();
  });

  it('treats available agents as away outside the business hours, for assignment and in their presence', async () => {
    expect((await send(desk.manager, 'PUT', '/api/business-hours', WEEKDAYS)).statusCode).toBe(200);
    await send(desk.otherAgent, 'PUT', '/api/presence/me', { availability: 'away' });
    expect(await getJson(t, desk.agent, '/api/presence/me')).toMatchObject({ availability: 'available', effectiveAvailability: 'available', awayReason: null });

    const before = await openTicket(t, desk.customer);
    expect((await patchTicket(t, desk.manager, before.id, { teamId: team.id })).json<TicketJson>().assigneeId).toBe(desk.agent.user.id);

    // 17:05: the day's work is over.
    t.clock.advance(10 * 60_000);
    expect(await getJson(t, desk.agent, '/api/presence/me')).toMatchObject({ availability: 'available', effectiveAvailability: 'away', awayReason: 'outside_business_hours' });
    const all = await getJson<{ items: { userId: string; effectiveAvailability: string; awayReason: string | null }[] }>(t, desk.manager, '/api/presence');
    expect(all.items.find((row) => row.userId === desk.otherAgent.user.id)).toMatchObject({ effectiveAvailability: 'away', awayReason: 'switched_away' });
    const late = await openTicket(t, desk.customer);
    expect((await patchTicket(t, desk.manager, late.id, { teamId: team.id })).json<TicketJson>().assignee).toBeNull();

    // Without a calendar every minute is working time.
    expect(await callJson(t, desk.manager, 'PUT', '/api/business-hours', null)).toBeNull();
    expect(await getJson(t, desk.agent, '/api/presence/me')).toMatchObject({ effectiveAvailability: 'available', awayReason: null });
    const cleared = await openTicket(t, desk.customer);
    expect((await patchTicket(t, desk.manager, cleared.id, { teamId: team.id })).json<TicketJson>().assigneeId).toBe(desk.agent.user.id);
  });
});
