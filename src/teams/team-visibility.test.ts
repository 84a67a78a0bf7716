import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { download, PNG_1PX, uploaded } from '../attachments/attachments.test-support.js';
import { connect, createListeningApp, expectQuiet, type ListeningTestApp, type SseClient } from '../realtime/stream.test-support.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, postMessage, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

/**
 * A team that restricts its agents: its members see its tickets, the ones assigned to them
 * and their own, and nothing else exists for them (404, absent from every list, search and
 * the stream). Who manages teams, and agents of unrestricted teams only, see every ticket.
 */
describeEachDatabase('restricted teams', (kind) => {
  let t: ListeningTestApp;
  let desk: Desk;
  let billingAgent: TestUser;
  let billing: { id: string };
  let tech: { id: string };
  const clients: SseClient[] = [];

  const send = (user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) =>
    t.request({ method, url, body, token: user.accessToken });
  const listIds = async (user: TestUser, query = '') =>
    (await getJson<{ items: TicketJson[] }>(t, user, `/api/tickets${query}`)).items.map((ticket) => ticket.id);

  beforeEach(async () => {
    t = await createListeningApp(kind);
    desk = await createDesk(t);
    billingAgent = await createUser(t, { role: 'agent', name: 'Bill Agent' });
    billing = (await send(desk.manager, 'POST', '/api/teams', { name: 'Billing', restrictAgents: true })).json();
    tech = (await send(desk.manager, 'POST', '/api/teams', { name: 'Technical' })).json();
    expect((await send(desk.manager, 'PUT', `/api/teams/${billing.id}/members/${billingAgent.user.id}`)).statusCode).toBe(200);
    // The manager is in the restricted team too: managing teams lifts the restriction.
    expect((await send(desk.manager, 'PUT', `/api/teams/${billing.id}/members/${desk.manager.user.id}`)).statusCode).toBe(200);
    expect((await send(desk.manager, 'PUT', `/api/teams/${tech.id}/members/${desk.agent.user.id}`)).statusCode).toBe(200);
  });
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await t.close();
  });

  async function teamTicket(teamId: string | null, subject: string): Promise<TicketJson> {
    const ticket = await openTicket(t, desk.customer, { subject, description: `About ${subject}` });
    if (teamId) expect((await patchTicket(t, desk.manager, ticket.id, { teamId })).statusCode).toBe(200);
    return ticket;
  }

  it('answers 404 for every other ticket, its messages, events and files, and leaves it out of lists and search', async () => {
    const invoice = await teamTicket(billing.id, 'Invoice walrus');
    const outage = await teamTicket(tech.id, 'Outage walrus');
    const loose = await teamTicket(null, 'Loose walrus');
    const file = await uploaded(t, desk.customer, { name: 'shot.png', type: 'image/png', content: PNG_1PX });
    expect((await postMessage(t, desk.customer, outage.id, { body: 'Screenshot walrus', attachmentIds: [file.id] })).statusCode).toBe(201);

    for (const [method, url, body] of [
      ['GET', `/api/tickets/${outage.id}`, undefined],
      ['GET', `/api/tickets/${outage.id}/messages`, undefined],
      ['GET', `/api/tickets/${outage.id}/events`, undefined],
      ['POST', `/api/tickets/${outage.id}/messages`, { body: 'Peeking' }],
      ['PATCH', `/api/tickets/${outage.id}`, { status: 'in_progress' }],
      ['PATCH', `/api/tickets/${loose.id}`, { teamId: billing.id }],
      ['GET', `/api/tickets/${loose.id}`, undefined],
    ] as const) {
      const response = await send(billingAgent, method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('ticket_not_found');
    }
    expect((await download(t, billingAgent, file.id)).statusCode).toBe(404);
    expect((await download(t, desk.agent, file.id)).statusCode).toBe(200);

    expect(await listIds(billingAgent)).toEqual([invoice.id]);
    expect(await listIds(billingAgent, '?q=walrus')).toEqual([invoice.id]);
    expect(await listIds(billingAgent, `?q=%23${outage.number}`)).toEqual([]);
    expect(await listIds(billingAgent, `?teamId=${tech.id}`)).toEqual([]);
    expect(await listIds(billingAgent, '?teamId=none')).toEqual([]);
    // Everyone else sees all of them.
    expect(await listIds(desk.agent)).toEqual([loose.id, outage.id, invoice.id]);
    expect(await listIds(desk.manager, '?q=walrus')).toEqual([loose.id, outage.id, invoice.id]);
    expect((await send(billingAgent, 'GET', `/api/tickets/${invoice.id}`)).statusCode).toBe(200);
  });

  it('shows a restricted agent a ticket of another team once it is assigned to them, and every ticket once the team restricts no more', async () => {
    const outage = await teamTicket(tech.id, 'Outage');
    expect((await send(billingAgent, 'GET', `/api/tickets/${outage.id}`)).statusCode).toBe(404);
    expect((await patchTicket(t, desk.manager, outage.id, { assigneeId: billingAgent.user.id })).statusCode).toBe(200);
    expect((await send(billingAgent, 'GET', `/api/tickets/${outage.id}`)).statusCode).toBe(200);
    expect(await listIds(billingAgent)).toEqual([outage.id]);

    const other = await teamTicket(tech.id, 'Other outage');
    expect((await send(billingAgent, 'GET', `/api/tickets/${other.id}`)).statusCode).toBe(404);
    // Lifting the restriction applies on the next request.
    await send(desk.manager, 'PATCH', `/api/teams/${billing.id}`, { restrictAgents: false });
    expect((await send(billingAgent, 'GET', `/api/tickets/${other.id}`)).statusCode).toBe(200);
  });

  it("streams a restricted agent their team's ticket events only, live and on replay", async () => {
    const agentStream = await connect(t.url, { token: billingAgent.accessToken });
    const customerStream = await connect(t.url, { token: desk.customer.accessToken });
    clients.push(agentStream, customerStream);
    // The server reads each creation before the ticket moves team (the customer has seen it):
    // read after the move, the creation would be offered by the ticket as it is by then.
    const movedOnceRead = async (teamId: string, subject: string) => {
      const ticket = await openTicket(t, desk.customer, { subject, description: `About ${subject}` });
      await vi.waitUntil(() => customerStream.events.some((event) => event.data.ticketId === ticket.id), { timeout: 10_000 });
      expect((await patchTicket(t, desk.manager, ticket.id, { teamId })).statusCode).toBe(200);
      return ticket;
    };
    const outage = await movedOnceRead(tech.id, 'Outage');
    const invoice = await movedOnceRead(billing.id, 'Invoice');
    expect((await postMessage(t, desk.agent, outage.id, { body: 'Outage news' })).statusCode).toBe(201);
    expect((await postMessage(t, desk.agent, invoice.id, { body: 'Invoice news' })).statusCode).toBe(201);

    // Live, an event is offered by the ticket as it is when the event is read: the invoice was
    // of no team when it was opened, so the agent sees its move to Billing and the reply.
    const seen = await agentStream.waitForEvents(2);
    await expectQuiet(agentStream, 2);
    expect(seen.map((event) => event.data.type)).toEqual(['ticket.team_changed', 'ticket.message']);
    expect(new Set(seen.map((event) => event.data.ticketId))).toEqual(new Set([invoice.id]));
    expect(JSON.stringify(seen)).not.toContain('Outage');

    const replay = await connect(t.url, { token: billingAgent.accessToken, headers: { 'last-event-id': '0' } });
    clients.push(replay);
    // A replay reads the ticket as it is now: its creation too.
    const replayed = await replay.waitForEvents(3);
    await expectQuiet(replay, 3);
    expect(replayed.map((event) => event.data.type)).toEqual(['ticket.created', 'ticket.team_changed', 'ticket.message']);
    expect(new Set(replayed.map((event) => event.data.ticketId))).toEqual(new Set([invoice.id]));
  });
});
