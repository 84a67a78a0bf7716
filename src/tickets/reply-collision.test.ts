import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createDesk, getJson, openTicket, postMessage, ticketTableCounts, type Desk } from './tickets.test-support.js';

describeEachDatabase('reply collision check (afterMessageId)', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const idOf = (response: { json(): unknown }) => (response.json() as { id: string }).id;

  it('refuses a reply written before a newer message, stores nothing, and takes it once the new id is sent', async () => {
    const ticket = await openTicket(t, desk.customer);
    const seen = idOf(await postMessage(t, desk.customer, ticket.id, { body: 'The printer jams' }));
    await postMessage(t, desk.customer, ticket.id, { body: 'Now it smokes too' });
    const before = await ticketTableCounts(t);
    const blind = await postMessage(t, desk.agent, ticket.id, { body: 'Try turning it off and on', afterMessageId: seen });
    expect(blind.statusCode).toBe(409);
    expect(blind.json()).toMatchObject({ error: { code: 'ticket_changed' } });
    expect(await ticketTableCounts(t)).toEqual(before);
    const list = await getJson<{ items: { id: string }[] }>(t, desk.agent, `/api/tickets/${ticket.id}/messages`);
    const newest = list.items.at(-1)?.id ?? null;
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'Unplug it now', afterMessageId: newest })).statusCode).toBe(201);
    // Without the field, the reply is sent anyway: the check is the composer's to ask for.
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'And call us' })).statusCode).toBe(201);
  });

  it('treats null as "saw no message yet", and ignores the caller\'s own messages', async () => {
    const ticket = await openTicket(t, desk.customer);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'First look', afterMessageId: null })).statusCode).toBe(201);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'Second look', afterMessageId: null })).statusCode).toBe(201);
    await postMessage(t, desk.customer, ticket.id, { body: 'Any news?' });
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'Third', afterMessageId: null })).json()).toMatchObject({
      error: { code: 'ticket_changed' },
    });
  });

  it('refuses staff over a colleague\'s new note, but never a customer: a note must not show through', async () => {
    const ticket = await openTicket(t, desk.customer);
    const seen = idOf(await postMessage(t, desk.agent, ticket.id, { body: 'We are on it' }));
    const note = idOf(await postMessage(t, desk.manager, ticket.id, { body: 'VIP, refund if needed', internal: true }));
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'Update', afterMessageId: seen })).statusCode).toBe(409);
    const customer = await postMessage(t, desk.customer, ticket.id, { body: 'Thanks', afterMessageId: seen });
    expect(customer.statusCode, customer.body).toBe(201);
    // A note's id is no anchor for a customer: answered as a made-up id is, so it cannot be probed.
    const probe = await postMessage(t, desk.customer, ticket.id, { body: 'x', afterMessageId: note });
    const madeUp = await postMessage(t, desk.customer, ticket.id, { body: 'x', afterMessageId: '00000000-0000-4000-8000-000000000000' });
    expect(probe.statusCode).toBe(400);
    expect(probe.json()).toEqual(madeUp.json());
    expect(probe.json()).toMatchObject({ error: { code: 'invalid_after_message', details: [{ path: 'afterMessageId' }] } });
  });

  it('refuses an id of another ticket, a malformed id, and keeps other customers out', async () => {
    const ticket = await openTicket(t, desk.customer);
    const other = await openTicket(t, desk.customer);
    const elsewhere = idOf(await postMessage(t, desk.customer, other.id, { body: 'Other ticket' }));
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'x', afterMessageId: elsewhere })).statusCode).toBe(400);
    expect((await postMessage(t, desk.agent, ticket.id, { body: 'x', afterMessageId: 'nope' })).statusCode).toBe(400);
    expect((await postMessage(t, desk.otherCustomer, ticket.id, { body: 'x', afterMessageId: null })).statusCode).toBe(404);
    const anonymous = await t.request({ method: 'POST', url: `/api/tickets/${ticket.id}/messages`, body: { body: 'x', afterMessageId: null } });
    expect(anonymous.statusCode).toBe(401);
  });
});
