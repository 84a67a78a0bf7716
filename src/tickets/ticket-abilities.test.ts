import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Role } from '../authz/permissions.js';
import type { TicketAbilities } from '../authz/policies/ticket.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { setRolePermissions, type TestUser } from '../test/factories.js';
import { TICKET_STATUSES, type TicketStatus } from './ticket-status.js';
import {
  createDesk,
  getJson,
  openTicket,
  patchTicket,
  postMessage,
  type Desk,
  type TicketJson,
} from './tickets.test-support.js';

type TicketWithAbilities = TicketJson & { abilities: TicketAbilities };

/** One step from open to each status, as the manager takes it. */
const PATH_FROM_OPEN: Record<TicketStatus, TicketStatus[]> = {
  open: [],
  in_progress: ['in_progress'],
  waiting_on_customer: ['waiting_on_customer'],
  escalated: ['escalated'],
  resolved: ['resolved'],
  closed: ['closed'],
};

describeEachDatabase('ticket abilities', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const callers = (): Record<Role, TestUser> => ({ customer: desk.customer, agent: desk.agent, manager: desk.manager });

  async function customerTicketIn(status: TicketStatus, changes: Record<string, unknown> = {}): Promise<string> {
    const { id } = await openTicket(t, desk.customer);
    for (const step of PATH_FROM_OPEN[status]) expect((await patchTicket(t, desk.manager, id, { status: step })).statusCode).toBe(200);
    if (Object.keys(changes).length > 0) expect((await patchTicket(t, desk.manager, id, changes)).statusCode).toBe(200);
    return id;
  }

  const abilitiesOf = async (caller: TestUser, id: string): Promise<TicketAbilities> =>
    (await getJson<TicketWithAbilities>(t, caller, `/api/tickets/${id}`)).abilities;

  it('are offered per caller, and a move is offered exactly when the server takes it', { timeout: 120_000 }, async () => {
    for (const from of ['open', 'resolved', 'closed'] as const) {
      for (const [role, caller] of Object.entries(callers())) {
        const { statuses } = await abilitiesOf(caller, await customerTicketIn(from));
        for (const to of TICKET_STATUSES) {
          const response = await patchTicket(t, caller, await customerTicketIn(from), { status: to });
          const label = `${role}: ${from} -> ${to} offered ${statuses.join(',')}: ${response.body}`;
          expect(response.statusCode === 200, label).toBe(statuses.includes(to));
        }
      }
    }
  });

  it("show each role what API.md's defaults let it do", async () => {
    const id = await customerTicketIn('resolved');
    expect(await abilitiesOf(desk.customer, id)).toEqual({
      reply: true,
      note: false,
      close: true,
      reopen: true,
      assign: false,
      reassign: false,
      priority: false,
      tag: false,
      team: false,
      statuses: ['open', 'closed'],
    });
    expect(await abilitiesOf(desk.agent, id)).toEqual({
      reply: true,
      note: true,
      close: true,
      reopen: true,
      assign: true,
      reassign: false,
      priority: false,
      tag: true,
      team: true,
      statuses: ['open', 'closed'],
    });
    expect(await abilitiesOf(desk.manager, id)).toMatchObject({ assign: true, reassign: false, priority: true });
  });

  it('switch from assigning to reassigning once a ticket is taken, and each answer holds', async () => {
    const id = await customerTicketIn('open', { assigneeId: desk.otherAgent.user.id });
    expect(await abilitiesOf(desk.agent, id)).toMatchObject({ assign: false, reassign: false });
    expect((await patchTicket(t, desk.agent, id, { assigneeId: desk.agent.user.id })).statusCode).toBe(409);
    expect(await abilitiesOf(desk.manager, id)).toMatchObject({ assign: false, reassign: true });
    const cleared = await patchTicket(t, desk.manager, id, { assigneeId: null });
    expect(cleared.statusCode).toBe(200);
    // The PATCH answer carries the abilities of the ticket as it is now.
    expect(cleared.json<TicketWithAbilities>().abilities).toMatchObject({ assign: true, reassign: false });
    expect(await abilitiesOf(desk.agent, id)).toMatchObject({ assign: true });
    expect((await patchTicket(t, desk.agent, id, { assigneeId: desk.agent.user.id })).statusCode).toBe(200);
  });

  it('offer no public reply on a closed ticket, and the server takes none', async () => {
    const id = await customerTicketIn('closed');
    expect(await abilitiesOf(desk.customer, id)).toMatchObject({ reply: false, close: false, reopen: false, statuses: [] });
    expect(await abilitiesOf(desk.agent, id)).toMatchObject({ reply: false, note: true });
    expect((await postMessage(t, desk.customer, id, { body: 'Hello?' })).statusCode).toBe(409);
    expect((await postMessage(t, desk.agent, id, { body: 'For the record', internal: true })).statusCode).toBe(201);
  });

  it('follow the permission table as a manager edits it, in lists too', async () => {
    const id = await customerTicketIn('open');
    await setRolePermissions(t, desk.manager, 'agent', ['tickets.read.all', 'tickets.priority']);
    await setRolePermissions(t, desk.manager, 'customer', ['tickets.create']);
    const list = await getJson<{ items: TicketWithAbilities[] }>(t, desk.agent, '/api/tickets');
    expect(list.items.find((item) => item.id === id)?.abilities).toEqual({
      reply: false,
      note: false,
      close: false,
      reopen: false,
      assign: false,
      reassign: false,
      priority: true,
      tag: false,
      team: false,
      statuses: [],
    });
    // A requester may always close their own ticket, whatever the table says.
    expect(await abilitiesOf(desk.customer, id)).toMatchObject({ reply: false, close: true, statuses: ['closed'] });
  });
});
