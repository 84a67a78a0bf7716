import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { STATUS_TRANSITIONS, TICKET_STATUSES, type TicketStatus } from './ticket-status.js';
import { createDesk, getJson, openTicket, patchTicket, ticketTableCounts, type Desk, type TicketJson } from './tickets.test-support.js';

/** The table of API.md, written out again here so the code's table is checked against the contract. */
const CONTRACT: Record<TicketStatus, TicketStatus[]> = {
  open: ['in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed'],
  in_progress: ['open', 'waiting_on_customer', 'escalated', 'resolved', 'closed'],
  waiting_on_customer: ['open', 'in_progress', 'escalated', 'resolved', 'closed'],
  escalated: ['in_progress', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

it('the status machine is the table of API.md', () => {
  expect(STATUS_TRANSITIONS).toEqual(CONTRACT);
});

describeEachDatabase('ticket status machine', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  /** A fresh ticket in the given status, reached by one allowed step from open. */
  async function ticketIn(status: TicketStatus): Promise<TicketJson> {
    const ticket = await openTicket(t, desk.customer);
    // As the agent sees it: the abilities a ticket carries are its reader's.
    if (status === 'open') return getJson<TicketJson>(t, desk.agent, `/api/tickets/${ticket.id}`);
    const moved = await patchTicket(t, desk.agent, ticket.id, { status });
    expect(moved.statusCode).toBe(200);
    return moved.json<TicketJson>();
  }

  it.each(TICKET_STATUSES)('from %s: every listed move succeeds, every other answers 409 and changes nothing', async (from) => {
    for (const to of CONTRACT[from]) {
      const ticket = await ticketIn(from);
      const response = await patchTicket(t, desk.agent, ticket.id, { status: to });
      expect(response.statusCode, `${from} -> ${to}`).toBe(200);
      expect(response.json<TicketJson>().status).toBe(to);
    }
    const ticket = await ticketIn(from);
    const before = await ticketTableCounts(t);
    for (const to of TICKET_STATUSES.filter((status) => !CONTRACT[from].includes(status))) {
      const response = await patchTicket(t, desk.agent, ticket.id, { status: to });
      expect(response.statusCode, `${from} -> ${to}`).toBe(409);
      expect(response.json().error.code).toBe('transition_not_allowed');
    }
    expect(await ticketTableCounts(t)).toEqual(before);
    expect(await getJson<TicketJson>(t, desk.agent, `/api/tickets/${ticket.id}`)).toEqual({ ...ticket, attachments: [] });
  });

  it('keeps resolvedAt and closedAt right across reopen', async () => {
    const ticket = await openTicket(t, desk.customer);
    const at = (status: string) => patchTicket(t, desk.agent, ticket.id, { status }).then((r) => r.json<TicketJson>());

    t.clock.advance(60_000);
    const firstResolution = t.clock.now().toISOString();
    expect(await at('resolved')).toMatchObject({ resolvedAt: firstResolution, closedAt: null });

    t.clock.advance(60_000);
    expect(await at('open')).toMatchObject({ status: 'open', resolvedAt: null, closedAt: null });

    t.clock.advance(60_000);
    const secondResolution = t.clock.now().toISOString();
    expect(await at('resolved')).toMatchObject({ resolvedAt: secondResolution });

    t.clock.advance(60_000);
    const closedAt = t.clock.now().toISOString();
    expect(await at('closed')).toMatchObject({ status: 'closed', resolvedAt: secondResolution, closedAt });
  });

  it('closes a ticket that was never resolved without inventing a resolution time', async () => {
    const ticket = await openTicket(t, desk.customer);
    const closed = await patchTicket(t, desk.customer, ticket.id, { status: 'closed' });
    expect(closed.json()).toMatchObject({ status: 'closed', resolvedAt: null, closedAt: t.clock.now().toISOString() });
  });
});
