import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, ticketTableCounts, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

interface MacroJson {
  id: string;
  name: string;
  body: string;
  shared: boolean;
  ownerId: string | null;
  actions: Record<string, unknown>;
}

type Tagged = TicketJson & { tags?: string[] };

describeEachDatabase('macros', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const send = (who: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    t.request({ method, url, token: who.accessToken, body });
  async function macro(who: TestUser, body: Record<string, unknown>): Promise<MacroJson> {
    const response = await send(who, 'POST', '/api/macros', { body: '', actions: {}, ...body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<MacroJson>();
  }
  const apply = (who: TestUser, ticketId: string, macroId: string) => send(who, 'POST', `/api/tickets/${ticketId}/macros/${macroId}/apply`);
  const names = async (who: TestUser, query = '') => (await getJson<{ items: MacroJson[] }>(t, who, `/api/macros${query}`)).items.map((item) => item.name);

  it('fills the reply text from the ticket and the agent, and makes its changes as the agent', async () => {
    const refund = await macro(desk.manager, {
      name: 'Refund issued',
      shared: true,
      body: 'Hello {{requester.firstName}},\n\nticket #{{ticket.number}} ({{ticket.subject}}) is refunded.\n{{ agent.name }}',
      actions: { status: 'waiting_on_customer', assigneeId: 'me', addTags: ['Refund'] },
    });
    expect(refund).toMatchObject({ shared: true, ownerId: null });
    const ticket = await openTicket(t, desk.customer, { subject: 'Double charge' });
    const applied = await apply(desk.agent, ticket.id, refund.id);
    expect(applied.statusCode, applied.body).toBe(200);
    const { ticket: after, body } = applied.json<{ ticket: Tagged; body: string }>();
    expect(body).toBe(`Hello Cora,\n\nticket #${ticket.number} (Double charge) is refunded.\nAda Agent`);
    expect(after).toMatchObject({ status: 'waiting_on_customer', assigneeId: desk.agent.user.id, tags: ['refund'] });
    // The text is for the composer: nothing was sent.
    const messages = await getJson<{ items: unknown[] }>(t, desk.agent, `/api/tickets/${ticket.id}/messages`);
    expect(messages.items).toEqual([]);
    const history = await getJson<{ items: { type: string; actor: { id: string } | null }[] }>(t, desk.agent, `/api/tickets/${ticket.id}/events`);
    expect(history.items.slice(1).map((event) => [event.type, event.actor?.id])).toEqual([
      ['ticket.status_changed', desk.agent.user.id],
      ['ticket.assignee_changed', desk.agent.user.id],
      ['ticket.tags_changed', desk.agent.user.id],
    ]);
  });

  it('checks each change as if made by hand: a change the agent may not make applies none of them', async () => {
    const urgent = await macro(desk.manager, { name: 'Make urgent', shared: true, body: 'On it', actions: { status: 'in_progress', priority: 'urgent' } });
    const ticket = await openTicket(t, desk.customer);
    const before = await ticketTableCounts(t);
    const refused = await apply(desk.agent, ticket.id, urgent.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission tickets.priority' } });
    expect(await ticketTableCounts(t)).toEqual(before);
    expect((await getJson<TicketJson>(t, desk.agent, `/api/tickets/${ticket.id}`)).status).toBe('open');
    // The same macro works for the manager, who holds tickets.priority.
    expect((await apply(desk.manager, ticket.id, urgent.id)).statusCode).toBe(200);
    // A status the machine refuses now is a conflict, as for a PATCH.
    await patchTicket(t, desk.manager, ticket.id, { status: 'closed' });
    expect((await apply(desk.manager, ticket.id, urgent.id)).statusCode).toBe(409);
  });

  it('keeps personal macros to their owner, shared ones to managers, and all of them from customers', async () => {
    const mine = await macro(desk.agent, { name: 'My sign-off', body: 'Cheers, {{agent.firstName}}' });
    expect(mine).toMatchObject({ shared: false, ownerId: desk.agent.user.id });
    await macro(desk.manager, { name: 'Greeting', shared: true, body: 'Hi {{requester.name}}' });
    expect(await names(desk.agent)).toEqual(['Greeting', 'My sign-off']);
    expect(await names(desk.otherAgent)).toEqual(['Greeting']);
    expect(await names(desk.agent, '?q=SIGN')).toEqual(['My sign-off']);

    const ticket = await openTicket(t, desk.customer);
    expect((await apply(desk.otherAgent, ticket.id, mine.id)).statusCode).toBe(404);
    expect((await send(desk.otherAgent, 'PATCH', `/api/macros/${mine.id}`, { name: 'Mine now' })).statusCode).toBe(404);
    expect((await send(desk.manager, 'DELETE', `/api/macros/${mine.id}`)).statusCode).toBe(404);

    const shared = await send(desk.agent, 'POST', '/api/macros', { name: 'Desk-wide', body: '', actions: {}, shared: true });
    expect(shared.statusCode).toBe(403);
    expect(shared.json()).toEqual({ error: { code: 'forbidden', message: 'Missing permission macros.manage' } });
    const greeting = (await getJson<{ items: MacroJson[] }>(t, desk.agent, '/api/macros')).items.find((item) => item.shared);
    expect((await send(desk.agent, 'PATCH', `/api/macros/${greeting?.id}`, { body: 'Yo' })).statusCode).toBe(403);
    expect((await send(desk.agent, 'DELETE', `/api/macros/${greeting?.id}`)).statusCode).toBe(403);

    expect((await send(desk.customer, 'GET', '/api/macros')).statusCode).toBe(403);
    expect((await send(desk.customer, 'POST', '/api/macros', { name: 'x', body: '', actions: {} })).statusCode).toBe(403);
    expect((await apply(desk.customer, ticket.id, greeting?.id ?? '')).statusCode).toBe(404);

    // Edits and deletes by those who may.
    const renamed = await send(desk.agent, 'PATCH', `/api/macros/${mine.id}`, { name: 'Sign-off', actions: { addTags: ['signed'] } });
    expect(renamed.json()).toMatchObject({ name: 'Sign-off', actions: { addTags: ['signed'] } });
    expect((await send(desk.manager, 'DELETE', `/api/macros/${greeting?.id}`)).statusCode).toBe(204);
    expect(await names(desk.agent)).toEqual(['Sign-off']);
  });

  it('follows macros.manage, not the role, for shared macros', async () => {
    const agentPermissions = await currentPermissions(t, desk.manager, 'agent');
    await setRolePermissions(t, desk.manager, 'agent', [...agentPermissions, 'macros.manage']);
    expect((await send(desk.agent, 'POST', '/api/macros', { name: 'Desk-wide', body: '', actions: {}, shared: true })).statusCode).toBe(201);
  });

  it('refuses unknown placeholders and bad actions with a readable 400, and an invisible ticket with 404', async () => {
    const typo = await send(desk.agent, 'POST', '/api/macros', { name: 'Typo', body: 'Hi {{requester.nmae}}', actions: {} });
    expect(typo.statusCode).toBe(400);
    expect(typo.json()).toMatchObject({ error: { code: 'invalid_placeholder', details: [{ path: 'body' }] } });
    const badStatus = await send(desk.agent, 'POST', '/api/macros', { name: 'Bad', body: '', actions: { status: 'gone' } });
    expect(badStatus.statusCode).toBe(400);
    const badTag = await macro(desk.agent, { name: 'Tagger', actions: { addTags: ['no/slash'] } });
    const ticket = await openTicket(t, desk.otherCustomer);
    expect((await apply(desk.agent, ticket.id, badTag.id)).statusCode).toBe(400);
    const harmless = await macro(desk.agent, { name: 'Just text', body: 'Hello' });
    const customersTicket = await openTicket(t, desk.customer);
    // A customer cannot apply anything; another customer's ticket is not found for them either way.
    expect((await apply(desk.otherCustomer, customersTicket.id, harmless.id)).statusCode).toBe(404);
  });
});
