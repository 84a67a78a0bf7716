import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, ticketTableCounts, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

type Result = { id: string; ok: true; ticket: TicketJson & { tags?: string[] } } | { id: string; ok: false; error: { code: string; message: string } };

describeEachDatabase('bulk actions', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const bulk = (who: TestUser, body: unknown) => t.request({ method: 'POST', url: '/api/tickets/bulk', token: who.accessToken, body });
  const results = async (who: TestUser, body: unknown): Promise<Result[]> => {
    const response = await bulk(who, body);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ results: Result[] }>().results;
  };
  const outcome = (list: Result[]) => list.map((result) => (result.ok ? 'ok' : result.error.code));

  it('changes each ticket as its own PATCH: one succeeds or fails without the others, each in its history', async () => {
    const open = await openTicket(t, desk.customer);
    const other = await openTicket(t, desk.otherCustomer);
    const closed = await openTicket(t, desk.customer);
    await patchTicket(t, desk.agent, closed.id, { status: 'closed' });
    const missing = '00000000-0000-4000-8000-000000000000';

    const list = await results(desk.agent, {
      ids: [open.id, closed.id, missing, other.id],
      changes: { status: 'in_progress', assigneeId: desk.agent.user.id, addTags: ['Outage'] },
    });
    expect(list.map((result) => result.id)).toEqual([open.id, closed.id, missing, other.id]);
    expect(outcome(list)).toEqual(['ok', 'transition_not_allowed', 'ticket_not_found', 'ok']);
    expect(list[0]).toMatchObject({ ok: true, ticket: { status: 'in_progress', assigneeId: desk.agent.user.id, tags: ['outage'] } });

    // The refused ticket kept everything: not assigned, not tagged.
    const untouched = await getJson<TicketJson & { tags: string[] }>(t, desk.agent, `/api/tickets/${closed.id}`);
    expect(untouched).toMatchObject({ status: 'closed', assigneeId: null, tags: [] });
    const history = await getJson<{ items: { type: string }[] }>(t, desk.agent, `/api/tickets/${other.id}/events`);
    expect(history.items.map((event) => event.type)).toEqual([
      'ticket.created',
      'ticket.status_changed',
      'ticket.assignee_changed',
      'ticket.tags_changed',
    ]);
  });

  it('checks each ticket with the caller’s own permissions; a customer’s bulk sees only their own tickets', async () => {
    const first = await openTicket(t, desk.customer);
    const second = await openTicket(t, desk.customer);
    await patchTicket(t, desk.agent, second.id, { assigneeId: desk.otherAgent.user.id });
    const agentResults = await results(desk.agent, { ids: [first.id, second.id], changes: { priority: 'urgent' } });
    expect(outcome(agentResults)).toEqual(['forbidden', 'forbidden']);
    const claims = await results(desk.agent, { ids: [first.id, second.id], changes: { assigneeId: desk.agent.user.id } });
    expect(outcome(claims)).toEqual(['ok', 'ticket_already_assigned']);

    const others = await openTicket(t, desk.otherCustomer);
    const before = await ticketTableCounts(t);
    const customerResults = await results(desk.customer, { ids: [first.id, others.id], changes: { status: 'closed' } });
    // Their own ticket they may close; the other customer's does not exist for them.
    expect(outcome(customerResults)).toEqual(['ok', 'ticket_not_found']);
    expect(customerResults[1]).toEqual({ id: others.id, ok: false, error: { code: 'ticket_not_found', message: expect.any(String) } });
    expect((await ticketTableCounts(t)).events).toBe(before.events + 1);
    const tagging = await results(desk.customer, { ids: [second.id], changes: { addTags: ['x'] } });
    expect(outcome(tagging)).toEqual(['forbidden']);
  });

  it('applies a macro’s changes to every ticket, the request’s own fields winning', async () => {
    const macro = await t.request({
      method: 'POST',
      url: '/api/macros',
      token: desk.manager.accessToken,
      body: { name: 'Spam', shared: true, body: '', actions: { status: 'closed', addTags: ['spam'] } },
    });
    const macroId = macro.json<{ id: string }>().id;
    const a = await openTicket(t, desk.customer);
    const b = await openTicket(t, desk.customer);
    const list = await results(desk.agent, { ids: [a.id, b.id], changes: { macroId, status: 'resolved' } });
    expect(list.map((result) => result.ok && [result.ticket.status, result.ticket.tags])).toEqual([
      ['resolved', ['spam']],
      ['resolved', ['spam']],
    ]);
    const unknown = await bulk(desk.agent, { ids: [a.id], changes: { macroId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.statusCode).toBe(404);
    expect((await bulk(desk.customer, { ids: [a.id], changes: { macroId } })).statusCode).toBe(404);
  });

  it('refuses malformed requests whole, before any ticket changes', async () => {
    const ticket = await openTicket(t, desk.customer);
    const before = await ticketTableCounts(t);
    expect((await bulk(desk.agent, { ids: [], changes: { status: 'open' } })).statusCode).toBe(400);
    expect((await bulk(desk.agent, { ids: [ticket.id], changes: {} })).statusCode).toBe(400);
    expect((await bulk(desk.agent, { ids: [ticket.id, ticket.id], changes: { status: 'in_progress' } })).statusCode).toBe(400);
    const tooMany = Array.from({ length: 101 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    expect((await bulk(desk.agent, { ids: tooMany, changes: { status: 'in_progress' } })).statusCode).toBe(400);
    const badTag = await bulk(desk.agent, { ids: [ticket.id], changes: { status: 'in_progress', addTags: ['a b/c'] } });
    expect(badTag.statusCode).toBe(400);
    expect(badTag.json()).toMatchObject({ error: { code: 'invalid_tag' } });
    expect(await ticketTableCounts(t)).toEqual(before);
    expect((await t.request({ method: 'POST', url: '/api/tickets/bulk', body: { ids: [ticket.id], changes: { status: 'closed' } } })).statusCode).toBe(401);
  });
});
