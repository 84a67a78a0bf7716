import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openPostgres, type Database } from '../db/database.js';
import { connect, createListeningApp, expectQuiet, startSecondServer, type ListeningTestApp, type SseClient } from '../realtime/stream.test-support.js';
import { describeEachDatabase, describeOnPostgres } from '../test/databases.js';
import { currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';
import { createDesk, openTicket, type Desk } from '../tickets/tickets.test-support.js';

const announce = (t: ListeningTestApp, who: TestUser, ticketId: string, state: string) =>
  t.request({ method: 'POST', url: `/api/tickets/${ticketId}/presence`, token: who.accessToken, body: { state } });

describeEachDatabase('presence', (kind) => {
  let t: ListeningTestApp;
  let desk: Desk;
  const clients: SseClient[] = [];
  beforeEach(async () => {
    t = await createListeningApp(kind);
    desk = await createDesk(t);
  });
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await t.close();
  });

  const streamOf = async (who: TestUser) => {
    const client = await connect(t.url, { token: who.accessToken });
    clients.push(client);
    return client;
  };

  it('tells the other staff who is viewing and typing, never the customer, never the one announcing', async () => {
    const ticket = await openTicket(t, desk.customer);
    const manager = await streamOf(desk.manager);
    const agent = await streamOf(desk.agent);
    const customer = await streamOf(desk.customer);
    t.clock.set(new Date('2026-03-02T10:00:00.000Z'));

    expect((await announce(t, desk.agent, ticket.id, 'viewing')).statusCode).toBe(204);
    expect((await announce(t, desk.agent, ticket.id, 'typing')).statusCode).toBe(204);
    const [viewing, typing] = await manager.waitForEvents(2);
    expect(viewing).toEqual({
      id: '',
      event: 'presence',
      data: { ticketId: ticket.id, userId: desk.agent.user.id, name: 'Ada Agent', state: 'viewing', expiresAt: '2026-03-02T10:00:30.000Z' },
    });
    expect(typing?.data).toMatchObject({ state: 'typing', expiresAt: '2026-03-02T10:00:06.000Z' });
    await expectQuiet(agent, 0);
    await expectQuiet(customer, 0);

    // The manager's own presence reaches the agent, and leaving is told at once.
    await announce(t, desk.manager, ticket.id, 'left');
    const [left] = await agent.waitForEvents(1);
    expect(left?.data).toMatchObject({ userId: desk.manager.user.id, state: 'left' });
  });

  it('refuses customers (403 on their own ticket, 404 on another) and bad states, and sends nothing', async () => {
    const ticket = await openTicket(t, desk.customer);
    const manager = await streamOf(desk.manager);
    const own = await announce(t, desk.customer, ticket.id, 'typing');
    expect(own.statusCode).toBe(403);
    expect(own.json()).toEqual({ error: { code: 'forbidden', message: 'Presence is shared among staff only' } });
    expect((await announce(t, desk.otherCustomer, ticket.id, 'viewing')).statusCode).toBe(404);
    expect((await announce(t, desk.agent, ticket.id, 'dancing')).statusCode).toBe(400);
    expect((await announce(t, desk.agent, '00000000-0000-4000-8000-000000000000', 'viewing')).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: `/api/tickets/${ticket.id}/presence`, body: { state: 'viewing' } })).statusCode).toBe(401);
    await expectQuiet(manager, 0);
  });

  it('reaches only staff who may see the ticket', async () => {
    const ticket = await openTicket(t, desk.customer);
    const agentPermissions = await currentPermissions(t, desk.manager, 'agent');
    await setRolePermissions(t, desk.manager, 'agent', agentPermissions.filter((permission) => permission !== 'tickets.read.all'));
    const agent = await streamOf(desk.otherAgent);
    const manager = await streamOf(desk.manager);
    await announce(t, desk.manager, ticket.id, 'viewing');
    await expectQuiet(agent, 0);
    // …and such an agent may not announce on it either: for them it does not exist.
    expect((await announce(t, desk.agent, ticket.id, 'viewing')).statusCode).toBe(404);
    await expectQuiet(manager, 0);
  });
});

// Two processes need a database server; PGlite is one process by design.
describeOnPostgres('presence across server processes', () => {
  let t: ListeningTestApp;
  let desk: Desk;
  let secondDatabase: Database;
  let second: { app: FastifyInstance; url: string };
  const clients: SseClient[] = [];
  beforeEach(async () => {
    t = await createListeningApp('postgres');
    desk = await createDesk(t);
    secondDatabase = await openPostgres(t.database.url ?? '');
    second = await startSecondServer(t, secondDatabase);
  });
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await second.app.close();
    await secondDatabase.close();
    await t.close();
  });

  it('tells a manager on one process that an agent on the other is typing', async () => {
    const ticket = await openTicket(t, desk.customer);
    const manager = await connect(t.url, { token: desk.manager.accessToken });
    clients.push(manager);
    const typed = await second.app.inject({
      method: 'POST',
      url: `/api/tickets/${ticket.id}/presence`,
      headers: { authorization: `Bearer ${desk.agent.accessToken}` },
      payload: { state: 'typing' },
    });
    expect(typed.statusCode).toBe(204);
    const [event] = await manager.waitForEvents(1);
    expect(event?.data).toMatchObject({ ticketId: ticket.id, userId: desk.agent.user.id, state: 'typing' });
  });
});
