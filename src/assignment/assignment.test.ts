import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, type TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

interface PresenceJson {
  userId: string;
  availability: string;
  maxOpen: number | null;
  openTickets: number;
}

describeEachDatabase('automatic assignment', (kind) => {
  let t: TestApp;
  let desk: Desk;
  let team: { id: string };
  let third: TestUser;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
    third = await createUser(t, { role: 'agent', name: 'Cid Agent' });
    team = (await send(desk.manager, 'POST', '/api/teams', { name: 'Billing', assignment: 'round_robin', isDefault: true })).json();
    for (const member of [desk.agent, desk.otherAgent, third]) {
      expect((await send(desk.manager, 'PUT', `/api/teams/${team.id}/members/${member.user.id}`)).statusCode).toBe(200);
    }
  });
  afterEach(() => t.close());

  function send(user: TestUser | undefined, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) {
    return t.request({ method, url, body, ...(user ? { token: user.accessToken } : {}) });
  }
  const open = async (): Promise<TicketJson> => openTicket(t, desk.customer);
  const countsOf = (tickets: readonly TicketJson[]) => {
    const counts = new Map<string | null, number>();
    for (const ticket of tickets) counts.set(ticket.assignee?.name ?? null, (counts.get(ticket.assignee?.name ?? null) ?? 0) + 1);
    return Object.fromEntries(counts);
  };

  it('gives new tickets of a round-robin team to its available members in turn, within their capacity', async () => {
    const first = await open();
    expect(first.assignee).not.toBeNull();
    const history = await getJson<{ items: { type: string; actorId: string | null; data: unknown }[] }>(t, desk.manager, `/api/tickets/${first.id}/events`);
    expect(history.items.at(-1)).toMatchObject({ type: 'ticket.assignee_changed', actorId: null, data: { from: null, to: first.assigneeId, automatic: true } });
    const rest = [];
    for (let i = 0; i < 5; i++) rest.push(await open());
    expect(countsOf([first, ...rest])).toEqual({ 'Ada Agent': 2, 'Abe Agent': 2, 'Cid Agent': 2 });
    // In turn: no one gets two in a row.
    const order = [first, ...rest].map((ticket) => ticket.assigneeId);
    expect(order.slice(3)).toEqual(order.slice(0, 3));

    // Away and full members are passed over; with nobody left, tickets wait in the team queue.
    expect((await send(desk.agent, 'PUT', '/api/presence/me', { availability: 'away' })).json()).toMatchObject({ availability: 'away', openTickets: 2 });
    expect((await send(desk.manager, 'PATCH', `/api/presence/${desk.otherAgent.user.id}`, { maxOpen: 3 })).statusCode).toBe(200);
    const later = [await open(), await open(), await open()];
    expect(countsOf(later)).toEqual({ 'Abe Agent': 1, 'Cid Agent': 2 });
    await send(desk.manager, 'PATCH', `/api/presence/${third.user.id}`, { availability: 'away' });
    const waiting = await open();
    expect(waiting.assignee).toBeNull();
    expect((await getJson<{ items: TicketJson[] }>(t, desk.agent, `/api/tickets?teamId=${team.id}&assigneeId=none`)).items.map((x) => x.id)).toEqual([waiting.id]);
  });

  it('gives least-open teams the member with the fewest open tickets; resolved ones do not count', async () => {
    await send(desk.manager, 'PATCH', `/api/teams/${team.id}`, { assignment: 'least_open' });
    const mine = [await open(), await open()];
    for (const ticket of mine) await patchTicket(t, desk.manager, ticket.id, { assigneeId: desk.agent.user.id });
    const next = [await open(), await open(), await open(), await open()];
    expect(countsOf(next)).toEqual({ 'Abe Agent': 2, 'Cid Agent': 2 });
    for (const ticket of mine) expect((await patchTicket(t, desk.manager, ticket.id, { status: 'resolved' })).statusCode).toBe(200);
    expect((await open()).assignee?.name).toBe('Ada Agent');
  });

  it('assigns nothing when the team is off, and nothing of no team', async () => {
    await send(desk.manager, 'PATCH', `/api/teams/${team.id}`, { assignment: 'off' });
    expect((await open()).assignee).toBeNull();
    await send(desk.manager, 'PATCH', `/api/teams/${team.id}`, { assignment: 'round_robin', isDefault: false });
    expect((await open()).assignee).toBeNull();
  });

  it("lets a manager hand an away agent's open tickets back to the team queue, or keep them", async () => {
    const tickets = [];
    for (let i = 0; i < 6; i++) tickets.push(await open());
    const adas = tickets.filter((ticket) => ticket.assigneeId === desk.agent.user.id);
    expect(adas.length).toBe(2);
    await patchTicket(t, desk.manager, adas[0]?.id ?? '', { status: 'resolved' });
    await send(desk.agent, 'PUT', '/api/presence/me', { availability: 'away' });
    // Keeping is the default: going away changes no ticket.
    const presence = await getJson<{ items: PresenceJson[] }>(t, desk.manager, '/api/presence');
    expect(presence.items.find((row) => row.userId === desk.agent.user.id)).toMatchObject({ availability: 'away', openTickets: adas.length - 1 });

    const released = await send(desk.manager, 'POST', `/api/presence/${desk.agent.user.id}/release`);
    expect(released.json()).toEqual({ released: adas.length - 1 });
    const stillAssigned = await getJson<{ items: TicketJson[] }>(t, desk.manager, `/api/tickets?assigneeId=${desk.agent.user.id}`);
    expect(stillAssigned.items.map((ticket) => ticket.status)).toEqual(['resolved']);
    const events = await getJson<{ items: { type: string; actorId: string | null; data: unknown }[] }>(t, desk.manager, `/api/tickets/${adas.at(-1)?.id ?? ''}/events`);
    expect(events.items.at(-1)).toMatchObject({ type: 'ticket.assignee_changed', actorId: desk.manager.user.id, data: { from: desk.agent.user.id, to: null } });
  });

  it('keeps availability to staff and everyone else to managers, with 400 for bad input and 404 for no such agent', async () => {
    expect((await send(undefined, 'GET', '/api/presence/me')).statusCode).toBe(401);
    expect((await send(desk.customer, 'GET', '/api/presence/me')).statusCode).toBe(403);
    expect((await send(desk.customer, 'PUT', '/api/presence/me', { availability: 'away' })).statusCode).toBe(403);
    expect((await send(desk.agent, 'GET', '/api/presence')).statusCode).toBe(403);
    expect((await send(desk.agent, 'PATCH', `/api/presence/${desk.otherAgent.user.id}`, { availability: 'away' })).statusCode).toBe(403);
    expect((await send(desk.agent, 'POST', `/api/presence/${desk.otherAgent.user.id}/release`)).statusCode).toBe(403);
    expect((await send(desk.agent, 'PUT', '/api/presence/me', { availability: 'gone' })).statusCode).toBe(400);
    expect((await send(desk.agent, 'PUT', '/api/presence/me', { availability: 'away', maxOpen: 99 })).statusCode).toBe(400);
    expect((await send(desk.manager, 'PATCH', `/api/presence/${desk.otherAgent.user.id}`, { maxOpen: -1 })).statusCode).toBe(400);
    expect((await send(desk.manager, 'PATCH', `/api/presence/${desk.customer.user.id}`, { maxOpen: 1 })).statusCode).toBe(404);
    expect((await send(desk.manager, 'POST', `/api/presence/${crypto.randomUUID()}/release`)).statusCode).toBe(404);
    expect((await getJson<PresenceJson>(t, desk.agent, '/api/presence/me'))).toMatchObject({ availability: 'available', maxOpen: null, openTickets: 0 });
  });
});
