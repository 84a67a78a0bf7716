import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser } from '../test/factories.js';
import {
  createDesk,
  getJson,
  openTicket,
  patchTicket,
  ticketTableCounts,
  type Desk,
  type TicketJson,
} from './tickets.test-support.js';

interface EventJson {
  type: string;
  data: { from?: string | null; to?: string | null };
}

describeEachDatabase('ticket concurrency', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const eventsOf = async (id: string, type: string) =>
    (await getJson<{ items: EventJson[] }>(t, desk.manager, `/api/tickets/${id}/events`)).items.filter((e) => e.type === type);

  it('lets exactly one of ten agents claim an unassigned ticket at the same moment', async () => {
    const ticket = await openTicket(t, desk.customer);
    const agents = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(t, { role: 'agent', name: `Agent ${i}` })));
    const responses = await Promise.all(agents.map((agent) => patchTicket(t, agent, ticket.id, { assigneeId: agent.user.id })));

    const winners = responses.flatMap((response, i) => (response.statusCode === 200 ? [agents[i]] : []));
    expect(winners).toHaveLength(1);
    for (const response of responses.filter((r) => r.statusCode !== 200)) {
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('ticket_already_assigned');
    }
    const winner = winners[0];
    expect((await getJson<TicketJson>(t, desk.manager, `/api/tickets/${ticket.id}`)).assigneeId).toBe(winner?.user.id);
    expect(await eventsOf(ticket.id, 'ticket.assignee_changed')).toEqual([
      expect.objectContaining({ data: { from: null, to: winner?.user.id } }),
    ]);
  });

  it('answers a stale If-Match with 412 and changes nothing', async () => {
    const ticket = await openTicket(t, desk.customer);
    const read = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.agent.accessToken });
    const etag = read.headers.etag as string;

    const first = await patchTicket(t, desk.agent, ticket.id, { status: 'in_progress' }, { 'if-match': etag });
    expect(first.statusCode).toBe(200);
    const current = first.json<TicketJson>();
    const before = await ticketTableCounts(t);

    const stale = await patchTicket(t, desk.otherAgent, ticket.id, { status: 'waiting_on_customer' }, { 'if-match': etag });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.code).toBe('precondition_failed');
    const weak = await patchTicket(t, desk.otherAgent, ticket.id, { status: 'waiting_on_customer' }, { 'if-match': `W/${first.headers.etag as string}` });
    expect(weak.statusCode).toBe(412);
    expect(await ticketTableCounts(t)).toEqual(before);
    expect(await getJson<TicketJson>(t, desk.agent, `/api/tickets/${ticket.id}`)).toEqual({ ...current, attachments: [] });

    const fresh = await patchTicket(t, desk.otherAgent, ticket.id, { status: 'waiting_on_customer' }, { 'if-match': first.headers.etag as string });
    expect(fresh.statusCode).toBe(200);
    const any = await patchTicket(t, desk.agent, ticket.id, { status: 'open' }, { 'if-match': '*' });
    expect(any.statusCode).toBe(200);
    const without = await patchTicket(t, desk.agent, ticket.id, { status: 'in_progress' });
    expect(without.statusCode).toBe(200);
  });

  it('lets only one of two editors holding the same ETag win', async () => {
    const ticket = await openTicket(t, desk.customer);
    const read = await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: desk.manager.accessToken });
    const etag = read.headers.etag as string;
    const responses = await Promise.all([
      patchTicket(t, desk.manager, ticket.id, { priority: 'high' }, { 'if-match': etag }),
      patchTicket(t, desk.agent, ticket.id, { status: 'in_progress' }, { 'if-match': etag }),
    ]);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 412]);
    const events = (await getJson<{ items: EventJson[] }>(t, desk.manager, `/api/tickets/${ticket.id}/events`)).items;
    expect(events).toHaveLength(2);
  });

  it('applies concurrent edits of different fields without If-Match, each recorded once', async () => {
    const ticket = await openTicket(t, desk.customer);
    const responses = await Promise.all([
      patchTicket(t, desk.manager, ticket.id, { priority: 'urgent' }),
      patchTicket(t, desk.agent, ticket.id, { status: 'in_progress' }),
      patchTicket(t, desk.otherAgent, ticket.id, { assigneeId: desk.otherAgent.user.id }),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const final = await getJson<TicketJson>(t, desk.manager, `/api/tickets/${ticket.id}`);
    expect(final).toMatchObject({ priority: 'urgent', status: 'in_progress', assigneeId: desk.otherAgent.user.id });
  });

  it('records a truthful from/to chain when editors race on one field', async () => {
    const ticket = await openTicket(t, desk.customer);
    const managers = await Promise.all(Array.from({ length: 4 }, () => createUser(t, { role: 'manager' })));
    const wanted = ['low', 'high', 'urgent', 'low'];
    const responses = await Promise.all(managers.map((manager, i) => patchTicket(t, manager, ticket.id, { priority: wanted[i] })));
    for (const response of responses) {
      if (response.statusCode !== 200) expect(response.json().error.code).toBe('concurrent_update');
    }
    const chain = await eventsOf(ticket.id, 'ticket.priority_changed');
    let previous: string | null | undefined = 'normal';
    for (const event of chain) {
      expect(event.data.from).toBe(previous);
      expect(event.data.to).not.toBe(previous);
      previous = event.data.to;
    }
    expect((await getJson<TicketJson>(t, desk.manager, `/api/tickets/${ticket.id}`)).priority).toBe(previous);
  });

  it('pages through the queue without skipping or repeating while tickets are being added', async () => {
    const originals: string[] = [];
    for (let i = 0; i < 23; i++) originals.push((await openTicket(t, desk.customer, { subject: `Ticket ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const query: string = cursor ? `?limit=5&cursor=${cursor}` : '?limit=5';
      const [result] = await Promise.all([
        getJson<{ items: TicketJson[]; nextCursor: string | null }>(t, desk.agent, `/api/tickets${query}`),
        // Other customers keep opening tickets while the agent pages (none before the first page).
        ...(page === 0 ? [] : [openTicket(t, desk.otherCustomer), openTicket(t, desk.otherCustomer)]),
      ]);
      seen.push(...result.items.map((item) => item.id));
      cursor = result.nextCursor;
      page += 1;
    } while (cursor !== null && page < 20);
    expect(seen).toEqual([...originals].reverse());
    expect(page).toBe(5);
  });
});
