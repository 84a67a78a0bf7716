import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, setRolePermissions, type TestUser } from '../test/factories.js';
import { tickets } from '../tickets/tickets.schema.js';
import { createDesk, getJson, openTicket, patchTicket, postMessage, type Desk } from '../tickets/tickets.test-support.js';

const MINUTE = 60_000;

/**
 * The team report against counts made by hand: Billing gets three tickets (two resolved,
 * after 30 and 90 minutes), Technical one (open), and one ticket has no team.
 */
describeEachDatabase('reports by team', (kind) => {
  let t: TestApp;
  let desk: Desk;
  let billing: { id: string };
  let tech: { id: string };
  let billingAgent: TestUser;

  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
    billingAgent = await createUser(t, { role: 'agent', name: 'Bill Agent' });
    const team = async (body: Record<string, unknown>) => (await t.request({ method: 'POST', url: '/api/teams', token: desk.manager.accessToken, body })).json<{ id: string }>();
    billing = await team({ name: 'Billing', restrictAgents: true });
    tech = await team({ name: 'Technical' });
    await t.request({ method: 'PUT', url: `/api/teams/${billing.id}/members/${billingAgent.user.id}`, token: desk.manager.accessToken });

    const inTeam = async (teamId: string | null) => {
      const ticket = await openTicket(t, desk.customer);
      if (teamId) expect((await patchTicket(t, desk.manager, ticket.id, { teamId })).statusCode).toBe(200);
      return ticket;
    };
    const b1 = await inTeam(billing.id);
    const b2 = await inTeam(billing.id);
    await inTeam(billing.id);
    await inTeam(tech.id);
    await inTeam(null);
    await postMessage(t, desk.agent, b1.id, { body: 'On it' });
    await patchTicket(t, desk.manager, b1.id, { status: 'resolved' });
    await patchTicket(t, desk.manager, b2.id, { status: 'resolved' });
    // Opened earlier than answered (moving the clock would expire the tokens): 30 and 90 minutes before.
    const openedBefore = async (id: string, minutes: number) =>
      t.database.db.update(tickets).set({ createdAt: new Date(t.clock.now().getTime() - minutes * MINUTE) }).where(eq(tickets.id, id));
    await openedBefore(b1.id, 30);
    await openedBefore(b2.id, 90);
  });
  afterEach(() => t.close());

  const report = (user: TestUser, query = '') => t.request({ method: 'GET', url: `/api/reports/teams${query}`, token: user.accessToken });

  it('counts created and resolved tickets and median times per team, and the tickets of no team, as JSON and CSV', async () => {
    const teams = (await report(desk.manager)).json<{ items: unknown[] }>();
    expect(teams.items).toEqual([
      { teamId: billing.id, name: 'Billing', created: 3, resolved: 2, firstResponseMinutes: { median: 30 }, resolutionMinutes: { median: 60 } },
      { teamId: tech.id, name: 'Technical', created: 1, resolved: 0, firstResponseMinutes: { median: null }, resolutionMinutes: { median: null } },
      { teamId: null, name: null, created: 1, resolved: 0, firstResponseMinutes: { median: null }, resolutionMinutes: { median: null } },
    ]);
    const csv = await report(desk.manager, '?format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toEqual([
      'teamId,name,created,resolved,firstResponseMinutesMedian,resolutionMinutesMedian',
      `${billing.id},Billing,3,2,30,60`,
      `${tech.id},Technical,1,0,,`,
      ',,1,0,,',
    ]);
    // The other reports take a team too.
    const summary = await getJson<{ created: number; resolved: number; backlog: number }>(t, desk.manager, `/api/reports/summary?teamId=${billing.id}`);
    expect(summary).toMatchObject({ created: 3, resolved: 2, backlog: 1 });
    expect((await getJson<{ created: number }>(t, desk.manager, '/api/reports/summary')).created).toBe(5);
  });

  it("limits a restricted agent's reports to their teams: other teams answer 404", async () => {
    await setRolePermissions(t, desk.manager, 'agent', ['tickets.read.all', 'reports.read']);
    const teams = (await report(billingAgent)).json<{ items: { teamId: string | null }[] }>();
    expect(teams.items.map((row) => row.teamId)).toEqual([billing.id]);
    expect((await getJson<{ created: number; backlog: number }>(t, billingAgent, '/api/reports/summary'))).toMatchObject({ created: 3, backlog: 1 });
    const daily = await getJson<{ items: { created: number }[] }>(t, billingAgent, '/api/reports/daily');
    expect(daily.items.reduce((sum, day) => sum + day.created, 0)).toBe(3);
    const other = await t.request({ method: 'GET', url: `/api/reports/summary?teamId=${tech.id}`, token: billingAgent.accessToken });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('team_not_found');
    // An agent of no restricted team reads them all.
    expect((await getJson<{ created: number }>(t, desk.agent, '/api/reports/summary')).created).toBe(5);
    expect((await report(desk.customer)).statusCode).toBe(403);
  });
});
