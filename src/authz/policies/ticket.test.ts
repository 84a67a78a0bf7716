import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../http/errors.js';
import { canTransition, TICKET_STATUSES, type TicketStatus } from '../../tickets/ticket-status.js';
import type { Subject } from '../actor.js';
import { authorize, can } from '../authorize.js';
import { PERMISSIONS, type Permission, type Role } from '../permissions.js';
import {
  abilitiesPerStanding,
  authorizeCreateTicket,
  authorizeTicketPatch,
  canSeeTicket,
  ticketAbilities,
  type TicketPatch,
  type TicketState,
} from './ticket.js';

/** API.md's default permission table, written out again so the policy is checked against the contract. */
const DEFAULTS: Record<Role, Permission[]> = {
  customer: ['tickets.create', 'tickets.reply'],
  agent: ['tickets.create', 'tickets.read.all', 'tickets.reply', 'tickets.note', 'tickets.assign', 'tickets.status', 'tickets.tag', 'tickets.team'],
  manager: [
    'tickets.create',
    'tickets.read.all',
    'tickets.reply',
    'tickets.note',
    'tickets.assign',
    'tickets.reassign',
    'tickets.status',
    'tickets.priority',
    'tickets.tag',
    'tickets.team',
    'teams.manage',
  ],
};

const subject = (role: Role, permissions: readonly Permission[] = DEFAULTS[role]): Subject => ({
  id: `${role}-id`,
  role,
  permissions: new Set(permissions),
  teams: { ids: [], restricted: false },
});
const customer = subject('customer');
const agent = subject('agent');
const manager = subject('manager');

const ticket = (status: TicketStatus, assigneeId: string | null = null, requesterId = customer.id): TicketState => ({
  requesterId,
  status,
  assigneeId,
  teamId: null,
});

/** The DomainError code a PATCH gets from the policy, or 'allowed'. */
function patchAnswer(actor: Subject, state: TicketState, patch: TicketPatch): string {
  try {
    authorizeTicketPatch(actor, state, patch);
    return 'allowed';
  } catch (error) {
    if (error instanceof DomainError) return `${error.kind}:${error.code}`;
    throw error;
  }
}

describe('ticket abilities', () => {
  it("offer a customer on their own ticket only what API.md allows a requester", () => {
    expect(ticketAbilities(customer, ticket('open'))).toEqual({
      reply: true,
      note: false,
      close: true,
      reopen: false,
      assign: false,
      reassign: false,
      priority: false,
      tag: false,
      team: false,
      statuses: ['closed'],
    });
    expect(ticketAbilities(customer, ticket('resolved'))).toMatchObject({ reopen: true, close: true, statuses: ['open', 'closed'] });
    expect(ticketAbilities(customer, ticket('waiting_on_customer'))).toMatchObject({ reopen: false, statuses: ['closed'] });
    expect(ticketAbilities(customer, ticket('closed'))).toMatchObject({ reply: false, close: false, reopen: false, statuses: [] });
  });

  it('offer nothing on a ticket the caller may not see', () => {
    expect(ticketAbilities(customer, ticket('resolved', null, 'someone-else'))).toEqual({
      reply: false,
      note: false,
      close: false,
      reopen: false,
      assign: false,
      reassign: false,
      priority: false,
      tag: false,
      team: false,
      statuses: [],
    });
  });

  it('offer an agent the whole status machine, notes and claiming, but not reassigning or priorities', () => {
    expect(ticketAbilities(agent, ticket('open'))).toEqual({
      reply: true,
      note: true,
      close: true,
      reopen: false,
      assign: true,
      reassign: false,
      priority: false,
      tag: true,
      team: true,
      statuses: ['in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed'],
    });
    expect(ticketAbilities(agent, ticket('escalated', agent.id))).toMatchObject({ assign: false, reassign: false, statuses: ['in_progress', 'resolved', 'closed'] });
    expect(ticketAbilities(agent, ticket('resolved'))).toMatchObject({ reopen: true, statuses: ['open', 'closed'] });
    // A closed ticket takes internal notes but no public reply and goes nowhere.
    expect(ticketAbilities(agent, ticket('closed'))).toMatchObject({ reply: false, note: true, close: false, statuses: [] });
  });

  it('offer a manager claiming while unassigned and reassigning once assigned', () => {
    expect(ticketAbilities(manager, ticket('open'))).toMatchObject({ assign: true, reassign: false, priority: true });
    expect(ticketAbilities(manager, ticket('in_progress', agent.id))).toMatchObject({ assign: false, reassign: true, priority: true });
  });

  it('follow the permission table as edited, not the role', () => {
    const quietAgent = subject('agent', ['tickets.read.all', 'tickets.assign']);
    expect(ticketAbilities(quietAgent, ticket('open'))).toEqual({
      reply: false,
      note: false,
      close: false,
      reopen: false,
      assign: true,
      reassign: false,
      priority: false,
      tag: false,
      team: false,
      statuses: [],
    });
    const trustedCustomer = subject('customer', ['tickets.reply', 'tickets.status', 'tickets.priority']);
    expect(ticketAbilities(trustedCustomer, ticket('open'))).toMatchObject({
      priority: true,
      tag: false,
      statuses: ['in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed'],
    });
  });

  /** Every role, custom tables included, on every state: each ability is exactly what a PATCH would be allowed. */
  it('agree with what the policy enforces, for every status, assignment and role', () => {
    const actors = [customer, agent, manager, subject('agent', ['tickets.read.all', 'tickets.reassign']), subject('customer', ['tickets.status'])];
    for (const actor of actors) {
      for (const status of TICKET_STATUSES) {
        for (const assigneeId of [null, 'someone', actor.id]) {
          for (const requesterId of [customer.id, 'someone-else']) {
            const state = ticket(status, assigneeId, requesterId);
            const abilities = ticketAbilities(actor, state);
            const label = `${actor.role} [${[...actor.permissions].join(',')}] on ${JSON.stringify(state)}`;
            const may = (patch: TicketPatch) => patchAnswer(actor, state, patch) === 'allowed';
            const movable = TICKET_STATUSES.filter((to) => canTransition(status, to) && canSeeTicket(actor, state) && may({ status: to }));
            expect(abilities.statuses, label).toEqual(movable);
            expect(abilities.priority, label).toBe(canSeeTicket(actor, state) && may({ priority: 'high' }));
            expect(abilities.assign, label).toBe(assigneeId === null && may({ assigneeId: 'anyone' }));
            expect(abilities.reassign, label).toBe(assigneeId !== null && may({ assigneeId: 'anyone-else' }) && may({ assigneeId: null }));
            expect(abilities.reply, label).toBe(can(actor, 'ticket.reply', state));
            expect(abilities.note, label).toBe(can(actor, 'ticket.note', state));
          }
        }
      }
    }
  });
});

describe('team scope', () => {
  const member = (restricted: boolean, permissions: readonly Permission[] = DEFAULTS.agent): Subject => ({
    ...subject('agent', permissions),
    teams: { ids: ['billing'], restricted },
  });
  const inTeam = (teamId: string | null, assigneeId: string | null = null): TicketState => ({ ...ticket('open', assigneeId), teamId });

  it("limits a member of a restricting team to its tickets, those assigned to them and their own", () => {
    const scoped = member(true);
    expect(canSeeTicket(scoped, inTeam('billing'))).toBe(true);
    expect(canSeeTicket(scoped, inTeam('technical'))).toBe(false);
    expect(canSeeTicket(scoped, inTeam(null))).toBe(false);
    expect(canSeeTicket(scoped, inTeam('technical', scoped.id))).toBe(true);
    expect(canSeeTicket(scoped, { ...inTeam(null), requesterId: scoped.id })).toBe(true);
    expect(ticketAbilities(scoped, inTeam('technical'))).toMatchObject({ reply: false, note: false, team: false, statuses: [] });
  });

  it('leaves members of open teams, holders of teams.manage and customers as they were', () => {
    expect(canSeeTicket(member(false), inTeam('technical'))).toBe(true);
    expect(canSeeTicket(member(true, [...DEFAULTS.agent, 'teams.manage']), inTeam(null))).toBe(true);
    // Team membership never widens what a customer-like role sees.
    expect(canSeeTicket(member(true, ['tickets.create']), inTeam('billing'))).toBe(false);
  });
});

describe('ticket rules', () => {
  const refusal = (run: () => void): string => {
    try {
      run();
      return 'allowed';
    } catch (error) {
      if (error instanceof DomainError) return `${error.kind}:${error.code}:${error.message}`;
      throw error;
    }
  };

  it('answer a missing or invisible ticket as not found, before any permission', () => {
    expect(refusal(() => authorize(customer, 'ticket.read', undefined))).toBe('not_found:ticket_not_found:No such ticket');
    expect(refusal(() => authorize(customer, 'ticket.note', ticket('open', null, 'someone-else')))).toBe('not_found:ticket_not_found:No such ticket');
    expect(refusal(() => authorize(agent, 'ticket.read', ticket('open', null, 'someone-else')))).toBe('allowed');
  });

  it('refuse a missing permission before a conflict with the ticket', () => {
    const mute = subject('customer', []);
    expect(refusal(() => authorize(mute, 'ticket.reply', ticket('closed')))).toBe('forbidden:forbidden:Missing permission tickets.reply');
    expect(refusal(() => authorize(customer, 'ticket.reply', ticket('closed')))).toBe(
      'conflict:ticket_closed:A closed ticket takes no more replies; open a new ticket',
    );
    expect(refusal(() => authorize(agent, 'ticket.note', ticket('closed')))).toBe('allowed');
  });

  it('keep the answers of an assignee change: 409 for an assigner who finds it taken, 403 otherwise', () => {
    const taken = ticket('open', 'someone');
    expect(patchAnswer(agent, taken, { assigneeId: agent.id })).toBe('conflict:ticket_already_assigned');
    expect(patchAnswer(agent, taken, { assigneeId: null })).toBe('forbidden:forbidden');
    expect(patchAnswer(agent, taken, { assigneeId: 'someone' })).toBe('allowed');
    expect(patchAnswer(customer, taken, { assigneeId: customer.id })).toBe('forbidden:forbidden');
    expect(patchAnswer(customer, taken, { assigneeId: 'someone' })).toBe('forbidden:forbidden');
    expect(patchAnswer(manager, taken, { assigneeId: null })).toBe('allowed');
    expect(patchAnswer(subject('agent', ['tickets.read.all', 'tickets.reassign']), ticket('open'), { assigneeId: 'someone' })).toBe('forbidden:forbidden');
  });

  it('let only staff open a ticket for someone else, and only holders of tickets.priority set one', () => {
    expect(refusal(() => authorizeCreateTicket(customer, { requesterId: customer.id }))).toBe('allowed');
    expect(refusal(() => authorizeCreateTicket(customer, { requesterId: 'someone-else' }))).toBe(
      'forbidden:forbidden:Only staff may open a ticket on behalf of a customer',
    );
    expect(refusal(() => authorizeCreateTicket(subject('agent', ['tickets.create']), { requesterId: 'someone-else' }))).toBe('allowed');
    expect(refusal(() => authorizeCreateTicket(agent, { priority: 'high' }))).toBe('forbidden:forbidden:Missing permission tickets.priority');
    expect(refusal(() => authorizeCreateTicket(subject('manager', []), {}))).toBe('forbidden:forbidden:Missing permission tickets.create');
  });
});

describe('abilities decided once per standing', () => {
  // Two of each kind of other person and team, so a rule telling them apart would show.
  const people = ['me', 'someone', 'someone-else'] as const;
  const teams = ['my-team', 'my-other-team', 'their-team', 'their-other-team'] as const;
  const subjects = fc.record({
    role: fc.constantFrom<Role>('customer', 'agent', 'manager'),
    permissions: fc.subarray([...PERMISSIONS]),
    restricted: fc.boolean(),
    teamIds: fc.subarray(['my-team', 'my-other-team']),
  });
  const tickets = fc.record({
    requesterId: fc.constantFrom(...people),
    assigneeId: fc.constantFrom(null, ...people),
    teamId: fc.constantFrom(null, ...teams),
    status: fc.constantFrom(...TICKET_STATUSES),
  });

  it('gives each ticket of a page what deciding it alone gives', () => {
    fc.assert(
      fc.property(subjects, fc.array(tickets, { maxLength: 40 }), ({ role, permissions, restricted, teamIds }, page) => {
        const viewer: Subject = { id: 'me', role, permissions: new Set(permissions), teams: { ids: teamIds, restricted } };
        const perStanding = abilitiesPerStanding(viewer);
        for (const one of page) expect(perStanding(one)).toEqual(ticketAbilities(viewer, one));
      }),
      { numRuns: 500 },
    );
  });
});
