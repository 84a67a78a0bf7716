import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import {
  createDesk,
  getJson,
  openTicket,
  patchTicket,
  postMessage,
  ticketTableCounts,
  type Desk,
  type TicketJson,
} from './tickets.test-support.js';

describeEachDatabase('ticket visibility', (kind) => {
  let t: TestApp;
  let desk: Desk;
  let ticketOfA: TicketJson;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
    ticketOfA = await openTicket(t, desk.customer, { subject: 'Walrus invoice', description: 'The walrus invoice is wrong' });
    expect((await postMessage(t, desk.agent, ticketOfA.id, { body: 'Looking into the narwhal ledger' })).statusCode).toBe(201);
    expect((await postMessage(t, desk.agent, ticketOfA.id, { body: 'Customer seems grumpy, zebrafish', internal: true })).statusCode).toBe(201);
  });
  afterEach(() => t.close());

  const raw = (user: TestUser, url: string) => t.request({ method: 'GET', url, token: user.accessToken });
  const listIds = async (user: TestUser, query = '') =>
    (await getJson<{ items: TicketJson[] }>(t, user, `/api/tickets${query}`)).items.map((ticket) => ticket.id);

  it("never shows customer A's ticket, messages, events or search hits to customer B", async () => {
    const b = desk.otherCustomer;
    const ticketOfB = await openTicket(t, b);
    const before = await ticketTableCounts(t);
    for (const [method, url, body] of [
      ['GET', `/api/tickets/${ticketOfA.id}`, undefined],
      ['PATCH', `/api/tickets/${ticketOfA.id}`, { status: 'closed' }],
      ['GET', `/api/tickets/${ticketOfA.id}/messages`, undefined],
      ['POST', `/api/tickets/${ticketOfA.id}/messages`, { body: 'me too' }],
      ['GET', `/api/tickets/${ticketOfA.id}/events`, undefined],
    ] as const) {
      const response = await t.request({ method, url, body, token: b.accessToken });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('ticket_not_found');
    }
    expect(await ticketTableCounts(t)).toEqual(before);

    expect(await listIds(b)).toEqual([ticketOfB.id]);
    // The same list's statement, built once, now runs with A's values.
    expect(await listIds(desk.customer)).toEqual([ticketOfA.id]);
    expect(await listIds(b, '?q=walrus')).toEqual([]);
    expect(await listIds(b, '?q=narwhal')).toEqual([]);
    expect(await listIds(b, `?requesterId=${desk.customer.user.id}`)).toEqual([]);
    expect(await listIds(b, '?assigneeId=none')).toEqual([ticketOfB.id]);
    expect(await listIds(desk.customer, '?q=walrus')).toEqual([ticketOfA.id]);
  });

  it('never shows an internal note to a customer: list, get, messages, events, search', async () => {
    const a = desk.customer;
    const responses = [
      await raw(a, '/api/tickets'),
      await raw(a, `/api/tickets/${ticketOfA.id}`),
      await raw(a, `/api/tickets/${ticketOfA.id}/messages`),
      await raw(a, `/api/tickets/${ticketOfA.id}/events`),
      await raw(a, '/api/tickets?q=zebrafish'),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('zebrafish');
      expect(response.body).not.toContain('"internal":true');
    }
    const messages = await getJson<{ items: { body: string }[] }>(t, a, `/api/tickets/${ticketOfA.id}/messages`);
    expect(messages.items.map((message) => message.body)).toEqual(['Looking into the narwhal ledger']);
    const events = await getJson<{ items: { type: string }[] }>(t, a, `/api/tickets/${ticketOfA.id}/events`);
    expect(events.items.map((event) => event.type)).toEqual(['ticket.created', 'ticket.message']);
    expect(await listIds(a, '?q=zebrafish')).toEqual([]);
    expect(await listIds(a, '?q=narwhal')).toEqual([ticketOfA.id]);
  });

  it('shows internal notes and their events to holders of tickets.note', async () => {
    const messages = await getJson<{ items: { body: string; internal: boolean }[] }>(t, desk.agent, `/api/tickets/${ticketOfA.id}/messages`);
    expect(messages.items).toMatchObject([{ internal: false }, { internal: true, body: 'Customer seems grumpy, zebrafish' }]);
    const events = await getJson<{ items: { type: string; internal: boolean }[] }>(t, desk.agent, `/api/tickets/${ticketOfA.id}/events`);
    expect(events.items.filter((event) => event.internal)).toHaveLength(1);
  });

  it('lets staff act on any ticket while the customer acts on their own only', async () => {
    expect((await patchTicket(t, desk.agent, ticketOfA.id, { status: 'in_progress' })).statusCode).toBe(200);
    expect((await patchTicket(t, desk.customer, ticketOfA.id, { status: 'closed' })).statusCode).toBe(200);
    expect((await patchTicket(t, desk.otherCustomer, ticketOfA.id, { status: 'closed' })).statusCode).toBe(404);
  });
});
