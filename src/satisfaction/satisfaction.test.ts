import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mailOutbox } from '../mail/mail.schema.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

const DAY = 86_400_000;

describeEachDatabase('customer satisfaction', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const send = (user: TestUser | undefined, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
    t.request({ method, url, body, ...(user ? { token: user.accessToken } : {}) });

  async function resolved(assignee: TestUser | null = null, requester: TestUser = desk.customer): Promise<TicketJson> {
    const ticket = await openTicket(t, requester);
    const response = await patchTicket(t, desk.manager, ticket.id, { status: 'resolved', ...(assignee ? { assigneeId: assignee.user.id } : {}) });
    expect(response.statusCode, response.body).toBe(200);
    return ticket;
  }

  /** The links of the satisfaction mails about a ticket, from the outbox. */
  async function linksOf(ticket: TicketJson): Promise<{ good: string; bad: string; mails: number }> {
    const mails = await t.database.db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.kind, 'satisfaction_request'), eq(mailOutbox.toAddress, desk.customer.user.email)));
    const about = mails.filter((mail) => mail.subject.includes(`#${ticket.number}]`));
    const text = about[0]?.textBody ?? '';
    const token = (rating: string) => new RegExp(`/satisfaction\\?token=([^&\\s]+)&rating=${rating}`).exec(text)?.[1] ?? '';
    return { good: decodeURIComponent(token('good')), bad: decodeURIComponent(token('bad')), mails: about.length };
  }

  const rateByLink = (token: string, rating: string, comment?: string) =>
    send(undefined, 'POST', '/api/satisfaction', { token, rating, ...(comment === undefined ? {} : { comment }) });

  it('asks once when a ticket is resolved, by mail with one-click links that rate it without signing in, changeable', async () => {
    const ticket = await resolved(desk.agent);
    const links = await linksOf(ticket);
    expect(links.mails).toBe(1);
    expect(links.good).not.toBe('');

    const page = await send(undefined, 'GET', `/api/satisfaction?token=${encodeURIComponent(links.good)}`);
    expect(page.json()).toMatchObject({ ticketId: ticket.id, ticketNumber: ticket.number, rating: null, open: true });
    const good = await rateByLink(links.good, 'good');
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({ rating: 'good', comment: null });
    // The other link of the same mail changes the answer, with a comment.
    expect((await rateByLink(links.bad, 'bad', 'Took ages')).json()).toMatchObject({ rating: 'bad', comment: 'Took ages' });

    // Staff see it on the ticket, as does the requester; nobody else.
    expect(await getJson(t, desk.agent, `/api/tickets/${ticket.id}/satisfaction`)).toMatchObject({ rating: 'bad', comment: 'Took ages', open: true });
    expect(await getJson(t, desk.customer, `/api/tickets/${ticket.id}/satisfaction`)).toMatchObject({ rating: 'bad' });
    expect((await send(desk.otherCustomer, 'GET', `/api/tickets/${ticket.id}/satisfaction`)).statusCode).toBe(404);
    expect((await send(undefined, 'GET', `/api/tickets/${ticket.id}/satisfaction`)).statusCode).toBe(401);
    const history = await getJson<{ items: { type: string; data: unknown }[] }>(t, desk.agent, `/api/tickets/${ticket.id}/events`);
    expect(history.items.filter((event) => event.type === 'ticket.satisfaction_rated').map((event) => event.data)).toEqual([
      { rating: 'good', comment: false },
      { rating: 'bad', comment: true },
    ]);

    // Reopened and resolved again: not asked a second time.
    await patchTicket(t, desk.customer, ticket.id, { status: 'open' });
    await patchTicket(t, desk.manager, ticket.id, { status: 'resolved' });
    expect((await linksOf(ticket)).mails).toBe(1);
    // Closed: the link no longer takes an answer.
    await patchTicket(t, desk.customer, ticket.id, { status: 'closed' });
    const closed = await rateByLink(links.good, 'good');
    expect(closed.statusCode).toBe(409);
    expect(closed.json().error.code).toBe('satisfaction_closed');
  });

  it("never lets ticket A's link rate ticket B, and refuses tampered, foreign and expired links with 400", async () => {
    const a = await resolved();
    const b = await resolved();
    const linkA = (await linksOf(a)).good;
    const [header, payload, signature] = linkA.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = [header, Buffer.from(JSON.stringify({ ...claims, sub: b.id })).toString('base64url'), signature].join('.');
    for (const token of [forged, `${linkA}x`, 'not-a-token', desk.customer.accessToken]) {
      const refused = await rateByLink(token, 'bad');
      expect(refused.statusCode, token).toBe(400);
      expect(refused.json().error.code).toBe('invalid_satisfaction_link');
      expect((await send(undefined, 'GET', `/api/satisfaction?token=${encodeURIComponent(token)}`)).statusCode).toBe(400);
    }
    expect((await rateByLink(linkA, 'good')).json()).toMatchObject({ ticketId: a.id, rating: 'good' });
    expect((await getJson<{ rating: string | null }>(t, desk.manager, `/api/tickets/${b.id}/satisfaction`)).rating).toBeNull();

    t.clock.advance(14 * DAY + 1000);
    const expired = await rateByLink(linkA, 'bad');
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe('invalid_satisfaction_link');
  });

  it('lets the requester answer in the portal, and only them', async () => {
    const ticket = await resolved();
    const rated = await send(desk.customer, 'PUT', `/api/tickets/${ticket.id}/satisfaction`, { rating: 'good', comment: 'Thanks!' });
    expect(rated.json()).toMatchObject({ rating: 'good', comment: 'Thanks!' });
    expect((await send(desk.agent, 'PUT', `/api/tickets/${ticket.id}/satisfaction`, { rating: 'bad' })).statusCode).toBe(403);
    expect((await send(desk.otherCustomer, 'PUT', `/api/tickets/${ticket.id}/satisfaction`, { rating: 'bad' })).statusCode).toBe(404);
    expect((await send(desk.customer, 'PUT', `/api/tickets/${ticket.id}/satisfaction`, { rating: 'meh' })).statusCode).toBe(400);
    const unresolved = await openTicket(t, desk.customer);
    const notAsked = await send(desk.customer, 'PUT', `/api/tickets/${unresolved.id}/satisfaction`, { rating: 'good' });
    expect(notAsked.statusCode).toBe(404);
    expect(notAsked.json().error.code).toBe('satisfaction_not_found');
  });

  it('reports the score (good ÷ answered) and response rate per day, agent and team, as counted by hand, and CSV', async () => {
    const team = (await send(desk.manager, 'POST', '/api/teams', { name: 'Billing' })).json<{ id: string }>();
    const inBilling = async (assignee: TestUser) => {
      const ticket = await openTicket(t, desk.customer);
      await patchTicket(t, desk.manager, ticket.id, { teamId: team.id, assigneeId: assignee.user.id });
      expect((await patchTicket(t, desk.manager, ticket.id, { status: 'resolved' })).statusCode).toBe(200);
      return ticket;
    };
    // Billing, Ada: good, bad, unanswered. No team, Abe: good. One ticket never resolved: not asked.
    const [t1, t2] = [await inBilling(desk.agent), await inBilling(desk.agent), await inBilling(desk.agent)];
    const t4 = await resolved(desk.otherAgent);
    await openTicket(t, desk.customer);
    for (const [ticket, rating] of [[t1, 'good'], [t2, 'bad'], [t4, 'good']] as const) {
      expect((await send(desk.customer, 'PUT', `/api/tickets/${ticket?.id ?? ''}/satisfaction`, { rating })).statusCode).toBe(200);
    }

    const today = t.clock.now().toISOString().slice(0, 10);
    const report = await getJson<Record<string, unknown>>(t, desk.manager, `/api/reports/satisfaction?from=${today}&to=${today}`);
    expect(report).toEqual({
      total: { asked: 4, answered: 3, good: 2, bad: 1, score: 0.6667, responseRate: 0.75 },
      days: [{ date: today, asked: 4, answered: 3, good: 2, bad: 1, score: 0.6667, responseRate: 0.75 }],
      agents: [
        { agentId: desk.otherAgent.user.id, name: 'Abe Agent', asked: 1, answered: 1, good: 1, bad: 0, score: 1, responseRate: 1 },
        { agentId: desk.agent.user.id, name: 'Ada Agent', asked: 3, answered: 2, good: 1, bad: 1, score: 0.5, responseRate: 0.6667 },
      ],
      teams: [
        { teamId: team.id, name: 'Billing', asked: 3, answered: 2, good: 1, bad: 1, score: 0.5, responseRate: 0.6667 },
        { teamId: null, name: null, asked: 1, answered: 1, good: 1, bad: 0, score: 1, responseRate: 1 },
      ],
    });
    const billingOnly = await getJson<{ total: unknown }>(t, desk.manager, `/api/reports/satisfaction?from=${today}&to=${today}&teamId=${team.id}`);
    expect(billingOnly.total).toEqual({ asked: 3, answered: 2, good: 1, bad: 1, score: 0.5, responseRate: 0.6667 });

    const csv = await send(desk.manager, 'GET', `/api/reports/satisfaction?from=${today}&to=${today}&format=csv`);
    expect(csv.body.trim().split('\n')).toEqual([
      'group,date,id,name,asked,answered,good,bad,score,responseRate',
      `day,${today},,,4,3,2,1,0.6667,0.75`,
      `agent,,${desk.otherAgent.user.id},Abe Agent,1,1,1,0,1,1`,
      `agent,,${desk.agent.user.id},Ada Agent,3,2,1,1,0.5,0.6667`,
      `team,,${team.id},Billing,3,2,1,1,0.5,0.6667`,
      'team,,,,1,1,1,0,1,1',
      'total,,,,4,3,2,1,0.6667,0.75',
    ]);
    expect((await send(desk.customer, 'GET', '/api/reports/satisfaction')).statusCode).toBe(403);
    expect((await send(desk.agent, 'GET', '/api/reports/satisfaction')).statusCode).toBe(403);
  });

  it('lets an escalation rule act on a bad rating', async () => {
    const happy = await resolved();
    const unhappy = await resolved();
    await send(desk.customer, 'PUT', `/api/tickets/${happy.id}/satisfaction`, { rating: 'good' });
    await send(desk.customer, 'PUT', `/api/tickets/${unhappy.id}/satisfaction`, { rating: 'bad' });
    const rule = await send(desk.manager, 'POST', '/api/escalation-rules', {
      name: 'Unhappy customer',
      conditions: { satisfaction: 'bad' },
      actions: { setStatus: 'open', setPriority: 'high' },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    expect((await send(desk.manager, 'POST', '/api/escalation-rules/run')).json()).toEqual({ applied: 1 });
    expect(await getJson(t, desk.manager, `/api/tickets/${unhappy.id}`)).toMatchObject({ status: 'open', priority: 'high' });
    expect(await getJson(t, desk.manager, `/api/tickets/${happy.id}`)).toMatchObject({ status: 'resolved', priority: 'normal' });
  });
});
