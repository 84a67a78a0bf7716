import { afterEach, beforeEach, expect, it } from 'vitest';
import { takeInMail } from '../inbound/intake.service.js';
import { plainMail } from '../inbound/mail-fixtures.js';
import { insertMailbox } from '../mailboxes/mailboxes.repository.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import type { TestUser } from '../test/factories.js';
import { createDesk, getJson, openTicket, patchTicket, type Desk, type TicketJson } from '../tickets/tickets.test-support.js';

type TeamTicket = TicketJson & { teamId: string | null };
interface EventJson {
  type: string;
  actorId: string | null;
  data: Record<string, unknown>;
}

describeEachDatabase('routing by mailbox and by tag', (kind) => {
  let t: TestApp;
  let desk: Desk;
  let billing: { id: string };
  let tech: { id: string };
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
    billing = await createTeam('Billing');
    tech = await createTeam('Technical');
  });
  afterEach(() => t.close());

  const send = (user: TestUser, method: 'GET' | 'POST', url: string, body?: unknown) => t.request({ method, url, body, token: user.accessToken });

  async function createTeam(name: string): Promise<{ id: string }> {
    const response = await send(desk.manager, 'POST', '/api/teams', { name });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  async function createRule(name: string, conditions: Record<string, unknown>, teamId: string): Promise<{ id: string; conditions: unknown }> {
    const response = await send(desk.manager, 'POST', '/api/routing-rules', { name, conditions, teamId });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  const mailbox = (address: string) =>
    insertMailbox(
      t.database.db,
      { address, host: 'imap.example', port: 993, tls: true, username: address, passwordEncrypted: 'x', pushSecretHash: 'x' },
      t.clock.now(),
    );

  async function mailIn(mailboxId: string | null, subject: string): Promise<TeamTicket> {
    const result = await takeInMail(t.ctx, { mailboxKey: mailboxId ?? 'env', mailboxId }, plainMail('Hello', { subject }));
    expect(result).toMatchObject({ duplicate: false, status: 'placed' });
    return getJson<TeamTicket>(t, desk.manager, `/api/tickets/${result.duplicate ? '' : (result.ticketId ?? '')}`);
  }

  it('places a mail in the team of the mailbox it came in by; other mailboxes go by the other rules', async () => {
    const billingBox = await mailbox('billing@desk.example');
    const supportBox = await mailbox('support@desk.example');
    await createRule('Billing mail', { mailboxIds: [billingBox.id] }, billing.id);
    // Every condition must hold: support mail about the portal topic "Outage" only (never both: no match).
    await createRule('Support outages', { mailboxIds: [supportBox.id], topics: ['Outage'] }, tech.id);

    const invoice = await mailIn(billingBox.id, 'Invoice wrong');
    expect(invoice.teamId).toBe(billing.id);
    expect((await getJson<{ items: TicketJson[] }>(t, desk.agent, `/api/tickets?teamId=${billing.id}`)).items.map((x) => x.id)).toEqual([invoice.id]);
    expect((await mailIn(supportBox.id, 'Down')).teamId).toBeNull();
    expect((await mailIn(null, 'From IMAP_URL')).teamId).toBeNull();
    // A portal ticket came by no mailbox.
    expect(((await openTicket(t, desk.customer)) as TeamTicket).teamId).toBeNull();
  });

  it('refuses a rule naming a mailbox that does not exist, or a malformed tag, with 400', async () => {
    const unknown = await send(desk.manager, 'POST', '/api/routing-rules', { name: 'x', conditions: { mailboxIds: [crypto.randomUUID()] }, teamId: billing.id });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('invalid_mailbox');
    for (const conditions of [{ mailboxIds: ['nope'] }, { mailboxIds: [] }, { tags: [] }, { tags: ['two words!'] }]) {
      const response = await send(desk.manager, 'POST', '/api/routing-rules', { name: 'x', conditions, teamId: billing.id });
      expect(response.statusCode, JSON.stringify(conditions)).toBe(400);
    }
    expect((await send(desk.agent, 'POST', '/api/routing-rules', { name: 'x', conditions: { tags: ['vip'] }, teamId: billing.id })).statusCode).toBe(403);
    expect((await getJson<{ items: unknown[] }>(t, desk.manager, '/api/routing-rules')).items).toEqual([]);
  });

  it('moves a ticket of no team into the team of a tag rule when it gets the tag, once, by the rule', async () => {
    const rule = await createRule('Refunds', { tags: ['Refund', 'chargeback'] }, billing.id);
    expect(rule.conditions).toEqual({ tags: ['refund', 'chargeback'] });
    const ticket = await openTicket(t, desk.customer);
    expect((await patchTicket(t, desk.agent, ticket.id, { addTags: ['vip'] })).json<TeamTicket>().teamId).toBeNull();

    const tagged = await patchTicket(t, desk.agent, ticket.id, { addTags: ['REFUND'] });
    expect(tagged.statusCode, tagged.body).toBe(200);
    expect(tagged.json<TeamTicket>().teamId).toBe(billing.id);
    const events = (await getJson<{ items: EventJson[] }>(t, desk.manager, `/api/tickets/${ticket.id}/events`)).items;
    expect(events.filter((event) => event.type === 'ticket.team_changed')).toEqual([
      expect.objectContaining({ actorId: desk.agent.user.id, data: { from: null, to: billing.id, routingRuleId: rule.id } }),
    ]);

    // A ticket in a team stays there, and a change naming the team itself wins over the rule.
    await patchTicket(t, desk.manager, ticket.id, { removeTags: ['refund'] });
    await patchTicket(t, desk.manager, ticket.id, { teamId: tech.id, addTags: ['chargeback'] });
    expect((await getJson<TeamTicket>(t, desk.manager, `/api/tickets/${ticket.id}`)).teamId).toBe(tech.id);
    const other = await openTicket(t, desk.customer);
    const chosen = await patchTicket(t, desk.manager, other.id, { teamId: null, addTags: ['refund'] });
    expect(chosen.json<TeamTicket>().teamId).toBeNull();
    // A customer cannot tag, so cannot route either.
    expect((await patchTicket(t, desk.customer, other.id, { addTags: ['chargeback'] })).statusCode).toBe(403);
  });
});
