import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Role } from '../authz/permissions.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase } from '../test/databases.js';
import { createUser, currentPermissions, setRolePermissions, type TestUser } from '../test/factories.js';
import {
  createDesk,
  getJson,
  openTicket,
  patchTicket,
  postMessage,
  type Desk,
  type TicketJson,
} from './tickets.test-support.js';

/** An outcome: the status code answered, or whether a read showed the thing. */
type Outcome = number | 'shown' | 'hidden';

type Action =
  | 'open a ticket'
  | 'open with a priority'
  | 'open for a customer'
  | "read another customer's ticket"
  | "list another customer's ticket"
  | 'reply'
  | 'add an internal note'
  | 'read internal notes'
  | 'assign an unassigned ticket'
  | 'change the assignee'
  | 'clear the assignee'
  | 'change the status'
  | "close the requester's ticket"
  | "reopen the requester's resolved ticket"
  | 'change the priority';

type Matrix = Record<Action, Record<Role, Outcome>>;

/** API.md's defaults, row by row (the customer acts on their own ticket where one is involved). */
const DEFAULTS: Matrix = {
  'open a ticket': { customer: 201, agent: 201, manager: 201 },
  'open with a priority': { customer: 403, agent: 403, manager: 201 },
  'open for a customer': { customer: 403, agent: 201, manager: 201 },
  "read another customer's ticket": { customer: 404, agent: 200, manager: 200 },
  "list another customer's ticket": { customer: 'hidden', agent: 'shown', manager: 'shown' },
  reply: { customer: 201, agent: 201, manager: 201 },
  'add an internal note': { customer: 403, agent: 201, manager: 201 },
  'read internal notes': { customer: 'hidden', agent: 'shown', manager: 'shown' },
  'assign an unassigned ticket': { customer: 403, agent: 200, manager: 200 },
  // An assigner without tickets.reassign finds the ticket taken: a conflict, not a missing right.
  'change the assignee': { customer: 403, agent: 409, manager: 200 },
  'clear the assignee': { customer: 403, agent: 403, manager: 200 },
  'change the status': { customer: 403, agent: 200, manager: 200 },
  "close the requester's ticket": { customer: 200, agent: 200, manager: 200 },
  "reopen the requester's resolved ticket": { customer: 200, agent: 200, manager: 200 },
  'change the priority': { customer: 403, agent: 403, manager: 200 },
};

/**
 * After the managers' edit: customers may read every ticket; agents trade notes and
 * status for priority and reassignment; managers lose priority.
 */
const EDITED: Matrix = {
  ...DEFAULTS,
  'open with a priority': { customer: 403, agent: 201, manager: 403 },
  "read another customer's ticket": { customer: 200, agent: 200, manager: 200 },
  "list another customer's ticket": { customer: 'shown', agent: 'shown', manager: 'shown' },
  'add an internal note': { customer: 403, agent: 403, manager: 201 },
  'read internal notes': { customer: 'hidden', agent: 'hidden', manager: 'shown' },
  'change the assignee': { customer: 403, agent: 200, manager: 200 },
  'clear the assignee': { customer: 403, agent: 200, manager: 200 },
  'change the status': { customer: 403, agent: 403, manager: 200 },
  // Closing and reopening stay open to the requester whatever the table says.
  "close the requester's ticket": { customer: 200, agent: 403, manager: 200 },
  "reopen the requester's resolved ticket": { customer: 200, agent: 403, manager: 200 },
  'change the priority': { customer: 403, agent: 200, manager: 403 },
};

describeEachDatabase('ticket permission matrix', (kind) => {
  let t: TestApp;
  let desk: Desk;
  beforeEach(async () => {
    t = await createTestApp(kind);
    desk = await createDesk(t);
  });
  afterEach(() => t.close());

  const status = (response: { statusCode: number }) => response.statusCode;
  const create = (actor: TestUser, body: Record<string, unknown>) =>
    t.request({ method: 'POST', url: '/api/tickets', token: actor.accessToken, body: { subject: 's', description: 'd', ...body } });

  async function requesterTicket(setup: TestUser, prepare: Record<string, unknown> = {}): Promise<TicketJson> {
    const ticket = await openTicket(t, desk.customer);
    if (Object.keys(prepare).length === 0) return ticket;
    expect(status(await patchTicket(t, setup, ticket.id, prepare))).toBe(200);
    return ticket;
  }

  function actions(setup: TestUser): Record<Action, (actor: TestUser) => Promise<Outcome>> {
    return {
      'open a ticket': async (actor) => status(await create(actor, {})),
      'open with a priority': async (actor) => status(await create(actor, { priority: 'high' })),
      'open for a customer': async (actor) => status(await create(actor, { requesterId: desk.otherCustomer.user.id })),
      "read another customer's ticket": async (actor) => {
        const ticket = await openTicket(t, desk.otherCustomer);
        return status(await t.request({ method: 'GET', url: `/api/tickets/${ticket.id}`, token: actor.accessToken }));
      },
      "list another customer's ticket": async (actor) => {
        const ticket = await openTicket(t, desk.otherCustomer);
        const page = await getJson<{ items: TicketJson[] }>(t, actor, '/api/tickets?limit=100');
        return page.items.some((item) => item.id === ticket.id) ? 'shown' : 'hidden';
      },
      reply: async (actor) => status(await postMessage(t, actor, (await requesterTicket(setup)).id, { body: 'hi' })),
      'add an internal note': async (actor) =>
        status(await postMessage(t, actor, (await requesterTicket(setup)).id, { body: 'psst', internal: true })),
      'read internal notes': async (actor) => {
        const ticket = await requesterTicket(setup);
        expect(status(await postMessage(t, setup, ticket.id, { body: 'psst', internal: true }))).toBe(201);
        const { items } = await getJson<{ items: { internal: boolean }[] }>(t, actor, `/api/tickets/${ticket.id}/messages`);
        return items.some((message) => message.internal) ? 'shown' : 'hidden';
      },
      'assign an unassigned ticket': async (actor) =>
        status(await patchTicket(t, actor, (await requesterTicket(setup)).id, { assigneeId: desk.otherAgent.user.id })),
      'change the assignee': async (actor) => {
        const ticket = await requesterTicket(setup, { assigneeId: desk.otherAgent.user.id });
        return status(await patchTicket(t, actor, ticket.id, { assigneeId: desk.agent.user.id }));
      },
      'clear the assignee': async (actor) => {
        const ticket = await requesterTicket(setup, { assigneeId: desk.otherAgent.user.id });
        return status(await patchTicket(t, actor, ticket.id, { assigneeId: null }));
      },
      'change the status': async (actor) =>
        status(await patchTicket(t, actor, (await requesterTicket(setup)).id, { status: 'in_progress' })),
      "close the requester's ticket": async (actor) =>
        status(await patchTicket(t, actor, (await requesterTicket(setup)).id, { status: 'closed' })),
      "reopen the requester's resolved ticket": async (actor) => {
        const ticket = await requesterTicket(setup, { status: 'resolved' });
        return status(await patchTicket(t, actor, ticket.id, { status: 'open' }));
      },
      'change the priority': async (actor) =>
        status(await patchTicket(t, actor, (await requesterTicket(setup)).id, { priority: 'urgent' })),
    };
  }

  async function observe(setup: TestUser): Promise<Matrix> {
    const run = actions(setup);
    const actors: Record<Role, TestUser> = { customer: desk.customer, agent: desk.agent, manager: desk.manager };
    const observed = {} as Matrix;
    for (const action of Object.keys(DEFAULTS) as Action[]) {
      observed[action] = { customer: await run[action](actors.customer), agent: await run[action](actors.agent), manager: await run[action](actors.manager) };
    }
    return observed;
  }

  it('follows the defaults of API.md, then follows the managers when they edit the roles', async () => {
    // A second manager prepares tickets; managers keep assign, status and note in both phases.
    const setup = await createUser(t, { role: 'manager', name: 'Setup Manager' });

    expect(await observe(setup)).toEqual(DEFAULTS);

    const customer = await currentPermissions(t, desk.manager, 'customer');
    const agent = await currentPermissions(t, desk.manager, 'agent');
    const manager = await currentPermissions(t, desk.manager, 'manager');
    await setRolePermissions(t, desk.manager, 'customer', [...customer, 'tickets.read.all']);
    await setRolePermissions(t, desk.manager, 'agent', [
      ...agent.filter((p) => p !== 'tickets.note' && p !== 'tickets.status'),
      'tickets.priority',
      'tickets.reassign',
    ]);
    await setRolePermissions(t, desk.manager, 'manager', manager.filter((p) => p !== 'tickets.priority'));

    expect(await observe(setup)).toEqual(EDITED);
  });
});
