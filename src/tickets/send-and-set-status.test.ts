import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, getJson, openTicket, patchTicket, postMessage, ticketTableCounts, type Desk, type TicketJson } from './tickets.test-support.js';

interface EventJson {
  type: string;
  data: Record<string, unknown>;
}

describeEachDatabase('send and set status', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const statusOf = async (id: string) => (await getJson<TicketJson>(t, desk.manager, `/api/tickets/${id}`)).status;
  const eventTypes = async (id: string) =>
    (await getJson<{ items: EventJson[] }>(t, desk.manager, `/api/tickets/${id}/events`)).items.map((event) => event.type);

  it('sends a reply and moves the ticket in one step, one event each in the history', async () => {
    const ticket = await openTicket(t, desk.customer);
    const sent = await postMessage(t, desk.agent, ticket.id, { body: 'Could you send a photo?', status: 'waiting_on_customer' });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(await statusOf(ticket.id)).toBe('waiting_on_customer');
    expect(await eventTypes(ticket.id)).toEqual(['ticket.created', 'ticket.message', 'ticket.status_changed']);
    const solved = await postMessage(t, desk.agent, ticket.id, { body: 'Fixed, closing', status: 'resolved' });
    expect(solved.statusCode).toBe(201);
    const after = await getJson<TicketJson>(t, desk.manager, `/api/tickets/${ticket.id}`);
    expect(after.status).toBe('resolved');
    expect(after.resolvedAt).not.toBeNull();
  });

  it('takes the current status as a no-op, and a note may set a status too', async () => {
    const ticket = await openTicket(t, desk.customer);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'On it', status: 'open' })).statusCode).toBe(201);
    expect(await eventTypes(ticket.id)).toEqual(['ticket.created', 'ticket.message']);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'Escalating', internal: true, status: 'escalated' })).statusCode).toBe(201);
    expect(await statusOf(ticket.id)).toBe('escalated');
  });

  it('refuses a move the caller may not make, or the status machine does not allow, and sends nothing', async () => {
    const ticket = await openTicket(t, desk.customer);
    const before = await ticketTableCounts(t);
    const customer = await postMessage(t, desk.customer, ticket.id, { body: 'Working on it myself', status: 'in_progress' });
    expect(customer.statusCode).toBe(403);
    expect(customer.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission tickets.status' } });
    await patchTicket(t, desk.manager, ticket.id, { status: 'escalated' });
    const afterEscalation = await ticketTableCounts(t);
    const machine = await postMessage(t, desk.agent, ticket.id, { body: 'Please wait', status: 'waiting_on_customer' });
    expect(machine.statusCode).toBe(409);
    expect(machine.json()).toMatchObject({ error: { code: 'transition_not_allowed' } });
    expect(await ticketTableCounts(t)).toEqual(afterEscalation);
    expect(afterEscalation.messages).toBe(before.messages);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'x', status: 'bogus' })).statusCode).toBe(400);
    expect((await postMessage(t, desk.otherCustomer, ticket.id, { body: 'x', status: 'closed' })).statusCode).toBe(404);
  });

  it('lets a customer close their own ticket with a last word, after it reopened on their reply', async () => {
    const ticket = await openTicket(t, desk.customer);
    await patchTicket(t, desk.agent, ticket.id, { status: 'waiting_on_customer' });
    const sent = await postMessage(t, desk.customer, ticket.id, { body: 'Never mind, it works', status: 'closed' });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(await statusOf(ticket.id)).toBe('closed');
    expect((await eventTypes(ticket.id)).slice(-3)).toEqual(['ticket.message', 'ticket.status_changed', 'ticket.status_changed']);
  });
});
