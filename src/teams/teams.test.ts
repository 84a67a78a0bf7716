import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

interface TeamJson {
  id: string;
  name: string;
  restrictAgents: boolean;
  assignment: string;
  isDefault: boolean;
  members: { id: string; name: string }[];
}

type TeamTicket = TicketJson & { teamId: string | null; team: { id: string; name: string } | null; abilities: { team: boolean } };

describeEachDatabase('teams', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const send = (user: TestUser | undefined, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.request({ method, url, body, ...(user ? { token: user.accessToken } : {}) });

  async function createTeam(body: Record<string, unknown>): Promise<TeamJson> {
    const response = await send(desk.manager, 'POST', '/api/teams', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json<TeamJson>();
  }

  async function addMember(team: TeamJson, user: TestUser): Promise<void> {
    const response = await send(desk.manager, 'PUT', `/api/teams/${team.id}/members/${user.user.id}`);
    expect(response.statusCode, response.body).toBe(200);
  }

  it('lets a manager create, rename, configure and delete teams and their members', async () => {
    const billing = await createTeam({ name: 'Billing' });
    expect(billing).toMatchObject({ name: 'Billing', restrictAgents: false, assignment: 'off', isDefault: false, members: [] });
    expect((await send(desk.manager, 'POST', '/api/teams', { name: 'billing' })).json().error.code).toBe('team_name_taken');

    await addMember(billing, desk.agent);
    await addMember(billing, desk.agent);
    const changed = await send(desk.manager, 'PATCH', `/api/teams/${billing.id}`, { name: 'Billing & Refunds', restrictAgents: true, assignment: 'round_robin' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      name: 'Billing & Refunds',
      restrictAgents: true,
      assignment: 'round_robin',
      members: [{ id: desk.agent.user.id, name: 'Ada Agent' }],
    });

    // Agents read the teams (the queue filters by them); the list is by name.
    const tech = await createTeam({ name: 'Technical', isDefault: true });
    const listed = await getJson<{ items: TeamJson[] }>(t, desk.agent, '/api/teams');
    expect(listed.items.map((team) => team.name)).toEqual(['Billing & Refunds', 'Technical']);
    const paged = await getJson<{ items: TeamJson[]; nextCursor: string }>(t, desk.manager, '/api/teams?limit=1');
    expect(paged.items.map((team) => team.id)).toEqual([billing.id]);
    const next = await getJson<{ items: TeamJson[] }>(t, desk.manager, `/api/teams?limit=1&cursor=${paged.nextCursor}`);
    expect(next.items.map((team) => team.id)).toEqual([tech.id]);

    // One default at most: making another the default unsets the first.
    await send(desk.manager, 'PATCH', `/api/teams/${billing.id}`, { isDefault: true });
    expect((await getJson<TeamJson>(t, desk.manager, `/api/teams/${tech.id}`)).isDefault).toBe(false);

    expect((await send(desk.manager, 'DELETE', `/api/teams/${billing.id}/members/${desk.agent.user.id}`)).statusCode).toBe(204);
    expect((await send(desk.manager, 'DELETE', `/api/teams/${billing.id}/members/${desk.agent.user.id}`)).statusCode).toBe(404);
    expect((await send(desk.manager, 'DELETE', `/api/teams/${billing.id}`)).statusCode).toBe(204);
    expect((await send(desk.manager, 'GET', `/api/teams/${billing.id}`)).json().error.code).toBe('team_not_found');
  });

  it('refuses teams to customers and agents as managers, bad input with 400, and anyone signed out with 401', async () => {
    const team = await createTeam({ name: 'Billing' });
    expect((await send(undefined, 'GET', '/api/teams')).statusCode).toBe(401);
    expect((await send(desk.customer, 'GET', '/api/teams')).statusCode).toBe(403);
    expect((await send(desk.customer, 'GET', `/api/teams/${team.id}`)).statusCode).toBe(403);
    expect((await send(desk.agent, 'POST', '/api/teams', { name: 'Mine' })).statusCode).toBe(403);
    expect((await send(desk.agent, 'PATCH', `/api/teams/${team.id}`, { restrictAgents: false })).statusCode).toBe(403);
    expect((await send(desk.agent, 'PUT', `/api/teams/${team.id}/members/${desk.agent.user.id}`)).statusCode).toBe(403);
    expect((await send(desk.customer, 'DELETE', `/api/teams/${team.id}`)).statusCode).toBe(403);
    expect((await send(desk.customer, 'POST', '/api/routing-rules', { name: 'x', conditions: {}, teamId: team.id })).statusCode).toBe(403);
    expect((await send(desk.agent, 'GET', '/api/routing-rules')).statusCode).toBe(403);

    for (const body of [{ name: '' }, { name: '   ' }, { name: 'a\nb' }, { name: 'x', assignment: 'random' }, { name: 'x', role: 'manager' }]) {
      const response = await send(desk.manager, 'POST', '/api/teams', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await send(desk.manager, 'PATCH', `/api/teams/${team.id}`, {})).statusCode).toBe(400);
    expect((await send(desk.manager, 'GET', '/api/teams/not-a-uuid')).statusCode).toBe(400);
    expect((await send(desk.manager, 'PATCH', `/api/teams/${crypto.randomUUID()}`, { name: 'Gone' })).statusCode).toBe(404);
    // Members are active staff.
    const customerMember = await send(desk.manager, 'PUT', `/api/teams/${team.id}/members/${desk.customer.user.id}`);
    expect(customerMember.statusCode).toBe(400);
    expect(customerMember.json().error.code).toBe('invalid_member');
  });

  it('routes a new ticket by the topic its customer chose, else to the default team, else to none', async () => {
    const billing = await createTeam({ name: 'Billing' });
    const tech = await createTeam({ name: 'Technical' });
    expect(((await openTicket(t, desk.customer)) as TeamTicket).team).toBeNull();

    for (const [name, topics, team] of [
      ['Invoices', ['Invoices', 'Refunds'], billing],
      ['Outages', ['Outage'], tech],
    ] as const) {
      const response = await send(desk.manager, 'POST', '/api/routing-rules', { name, conditions: { topics }, teamId: team.id });
      expect(response.statusCode, response.body).toBe(201);
    }
    const rules = await getJson<{ items: { name: string; position: number }[] }>(t, desk.manager, '/api/routing-rules');
    expect(rules.items.map((rule) => [rule.name, rule.position])).toEqual([['Invoices', 1], ['Outages', 2]]);
    expect(await getJson(t, desk.customer, '/api/ticket-topics')).toEqual({ items: ['Invoices', 'Refunds', 'Outage'] });

    const refund = (await openTicket(t, desk.customer, { topic: 'Refunds' })) as TeamTicket;
    expect(refund.team).toEqual({ id: billing.id, name: 'Billing' });
    expect(refund.teamId).toBe(billing.id);
    expect(((await openTicket(t, desk.customer, { topic: 'Outage' })) as TeamTicket).team?.name).toBe('Technical');
    const unknown = await send(desk.customer, 'POST', '/api/tickets', { subject: 'x', description: 'y', topic: 'Cats' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('invalid_topic');

    await send(desk.manager, 'PATCH', `/api/teams/${tech.id}`, { isDefault: true });
    expect(((await openTicket(t, desk.customer)) as TeamTicket).team?.name).toBe('Technical');
    const rule = await send(desk.manager, 'POST', '/api/routing-rules', { name: 'Bad', conditions: {}, teamId: crypto.randomUUID() });
    expect(rule.json().error.code).toBe('invalid_team');
  });

  it('moves a ticket between teams for holders of tickets.team, with its history, and filters the queue by team', async () => {
    const billing = await createTeam({ name: 'Billing' });
    const tech = await createTeam({ name: 'Technical' });
    await addMember(billing, desk.agent);
    const ticket = (await openTicket(t, desk.customer)) as TeamTicket;
    expect(ticket.abilities.team).toBe(false);
    const other = await openTicket(t, desk.customer);

    const moved = await patchTicket(t, desk.agent, ticket.id, { teamId: billing.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json<TeamTicket>()).toMatchObject({ teamId: billing.id, team: { id: billing.id, name: 'Billing' }, abilities: { team: true } });
    const events = await getJson<{ items: { type: string; data: unknown }[] }>(t, desk.customer, `/api/tickets/${ticket.id}/events`);
    expect(events.items.at(-1)).toMatchObject({ type: 'ticket.team_changed', data: { from: null, to: billing.id } });

    expect((await patchTicket(t, desk.customer, ticket.id, { teamId: tech.id })).statusCode).toBe(403);
    expect((await patchTicket(t, desk.customer, other.id, { teamId: tech.id })).statusCode).toBe(403);
    expect((await patchTicket(t, desk.otherCustomer, ticket.id, { teamId: tech.id })).statusCode).toBe(404);
    const missing = await patchTicket(t, desk.agent, ticket.id, { teamId: crypto.randomUUID() });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('invalid_team');

    const ids = async (user: TestUser, query: string) => (await getJson<{ items: TicketJson[] }>(t, user, `/api/tickets?${query}`)).items.map((item) => item.id);
    expect(await ids(desk.agent, 'teamId=mine')).toEqual([ticket.id]);
    expect(await ids(desk.otherAgent, 'teamId=mine')).toEqual([]);
    expect(await ids(desk.agent, 'teamId=none')).toEqual([other.id]);
    expect(await ids(desk.agent, `teamId=${billing.id}`)).toEqual([ticket.id]);
    expect(await ids(desk.agent, `teamId=${tech.id}`)).toEqual([]);
    expect((await send(desk.agent, 'GET', '/api/tickets?teamId=someone')).statusCode).toBe(400);

    expect((await patchTicket(t, desk.manager, ticket.id, { teamId: null })).json<TeamTicket>().team).toBeNull();
    // Deleting a team leaves its tickets, of no team.
    await patchTicket(t, desk.manager, ticket.id, { teamId: tech.id });
    await send(desk.manager, 'DELETE', `/api/teams/${tech.id}`);
    expect((await getJson<TeamTicket>(t, desk.agent, `/api/tickets/${ticket.id}`)).team).toBeNull();
  });

  it("lets an escalation rule move a ticket to another team, once, recorded as the rule's", async () => {
    const tech = await createTeam({ name: 'Technical' });
    const urgent = await send(desk.manager, 'POST', '/api/tickets', { subject: 'Down', description: 'All down', priority: 'urgent' });
    const calm = await openTicket(t, desk.customer);
    const rule = await send(desk.manager, 'POST', '/api/escalation-rules', { name: 'Urgent to tech', conditions: { priorities: ['urgent'] }, actions: { setTeam: tech.id } });
    expect(rule.statusCode, rule.body).toBe(201);
    expect((await send(desk.manager, 'POST', '/api/escalation-rules/run')).json()).toEqual({ applied: 1 });
    const moved = await getJson<TeamTicket>(t, desk.manager, `/api/tickets/${urgent.json<TicketJson>().id}`);
    expect(moved.team).toEqual({ id: tech.id, name: 'Technical' });
    expect((await getJson<TeamTicket>(t, desk.manager, `/api/tickets/${calm.id}`)).team).toBeNull();
    const events = await getJson<{ items: { type: string; data: Record<string, unknown> }[] }>(t, desk.manager, `/api/tickets/${moved.id}/events`);
    expect(events.items.find((event) => event.type === 'ticket.escalated')?.data.actions).toEqual({ setTeam: tech.id });
    expect(events.items.find((event) => event.type === 'ticket.team_changed')?.data).toEqual({ from: null, to: tech.id, ruleId: rule.json<{ id: string }>().id });

    const unknown = await send(desk.manager, 'POST', '/api/escalation-rules', { name: 'Nowhere', conditions: { priorities: ['low'] }, actions: { setTeam: crypto.randomUUID() } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('invalid_team');
  });
});
