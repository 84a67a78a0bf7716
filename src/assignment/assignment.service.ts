import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import type { Database, Db } from '../db/database.js';
import { notFound } from '../http/errors.js';
import { isBusinessTime } from '../sla/business-time.js';
import { cachedSlaSettings, slaSettingsIn } from '../sla/sla-tracking.js';
import { publishTicketEvent } from '../tickets/publish-ticket-event.js';
import type { TicketEventDispatcher } from '../tickets/ticket-events.js';
import { updateTicketIf, type TicketRow } from '../tickets/tickets.repository.js';
import {
  assignmentCandidates,
  listPresence,
  lockOpenTicketsOf,
  lockTeamTurn,
  moveTurn,
  savePresence,
  type PresenceRow,
} from './assignment.repository.js';
import { effectiveAvailability, type Availability, type AwayReason } from './availability.js';
import { chooseAgent } from './choose-agent.js';

/**
 * Gives a ticket of a team with automatic assignment, and no assignee, to an agent, in the
 * transaction that opens it or moves it into the team (a handler of `ticket.created` and
 * `ticket.team_changed`), so the ticket, its assignment and their history commit together.
 * The team's row lock makes concurrent assigners (in any process) take turns: exactly one
 * agent per ticket, and round robin stays in turn. Nobody available (outside business
 * hours nobody is): the ticket waits in the team's queue.
 */
async function assignAutomatically(tx: Db, events: TicketEventDispatcher, ticket: TicketRow, now: Date, database: Database): Promise<void> {
  if (ticket.teamId === null || ticket.assigneeId !== null) return;
  // A solved ticket moved between teams needs nobody: it would only count against their capacity.
  if (ticket.status === 'resolved' || ticket.status === 'closed') return;
  const team = await lockTeamTurn(tx, ticket.teamId);
  if (!team || team.assignment === 'off') return;
  if (!isBusinessTime((await slaSettingsIn(database, tx)).calendar, now)) return;
  const chosen = chooseAgent(team.assignment, await assignmentCandidates(tx, ticket.teamId), team.lastAssigneeId);
  if (chosen === undefined) return;
  await moveTurn(tx, ticket.teamId, chosen);
  // The change that got here holds the ticket's row: nobody else can have assigned it since.
  const assigned = await updateTicketIf(tx, ticket.id, { assigneeId: chosen }, now, { assigneeId: null });
  if (!assigned) throw new Error('a ticket held by its change was assigned by someone else');
  await publishTicketEvent(tx, events, {
    ticket: assigned,
    actor: null,
    at: now,
    event: { type: 'ticket.assignee_changed', data: { from: null, to: chosen, automatic: true } },
  });
}

export function registerAutomaticAssignment(events: TicketEventDispatcher, database: Database): void {
  events.on('ticket.created', async (tx, { ticket, at }) => {
    await assignAutomatically(tx, events, ticket, at, database);
  });
  // Moved into a team by a person, a bulk change, an escalation rule or a tag's routing rule.
  events.on('ticket.team_changed', async (tx, { ticket, at }) => {
    await assignAutomatically(tx, events, ticket, at, database);
  });
}

/** Someone's presence with whether automatic assignment may give them a ticket now, and why not. */
export type PresenceView = PresenceRow & { effectiveAvailability: Availability; awayReason: AwayReason | null };

/** Read before any transaction: the calendar may come from another connection. */
async function duringBusinessHours(ctx: AppContext): Promise<boolean> {
  return isBusinessTime((await cachedSlaSettings(ctx.database)).calendar, ctx.now());
}

const viewOf = (row: PresenceRow, working: boolean): PresenceView => {
  const effective = effectiveAvailability(row.availability, working);
  return { ...row, effectiveAvailability: effective.availability, awayReason: effective.awayReason };
};

const presenceNotFound = () => notFound('user_not_found', 'No such agent or manager');

async function presenceOf(db: Db, userId: string): Promise<PresenceRow> {
  const [row] = await listPresence(db, userId);
  if (!row) throw presenceNotFound();
  return row;
}

export async function myPresence(ctx: AppContext, actor: Actor): Promise<PresenceView> {
  authorize(actor, 'presence.own', actor);
  return viewOf(await presenceOf(ctx.database.db, actor.id), await duringBusinessHours(ctx));
}

/** Going away keeps one's open tickets: handing them back is a manager's choice (`releaseTickets`). */
export async function setMyAvailability(ctx: AppContext, actor: Actor, availability: Availability): Promise<PresenceView> {
  authorize(actor, 'presence.own', actor);
  const working = await duringBusinessHours(ctx);
  await savePresence(ctx.database.db, actor.id, { availability }, ctx.now());
  return viewOf(await presenceOf(ctx.database.db, actor.id), working);
}

export async function listAllPresence(ctx: AppContext, actor: Actor): Promise<{ items: PresenceView[] }> {
  authorize(actor, 'presence.manage');
  const working = await duringBusinessHours(ctx);
  return { items: (await listPresence(ctx.database.db)).map((row) => viewOf(row, working)) };
}

export async function setPresence(
  ctx: AppContext,
  actor: Actor,
  userId: string,
  changes: { availability?: Availability | undefined; maxOpen?: number | null | undefined },
): Promise<PresenceView> {
  authorize(actor, 'presence.manage');
  const working = await duringBusinessHours(ctx);
  const row = await ctx.database.db.transaction(async (tx) => {
    await presenceOf(tx, userId);
    await savePresence(tx, userId, changes, ctx.now());
    return presenceOf(tx, userId);
  });
  return viewOf(row, working);
}

/**
 * Hands every open ticket of the user back to its team's queue (unassigned; a ticket of no
 * team to the general queue), each with its history entry, in one transaction.
 */
export async function releaseTickets(ctx: AppContext, actor: Actor, userId: string): Promise<{ released: number }> {
  authorize(actor, 'presence.manage');
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    await presenceOf(tx, userId);
    const ids = await lockOpenTicketsOf(tx, userId);
    for (const id of ids) {
      const ticket = await updateTicketIf(tx, id, { assigneeId: null }, now, { assigneeId: userId });
      if (!ticket) throw new Error('a locked ticket changed its assignee');
      await publishTicketEvent(tx, ctx.ticketEvents, {
        ticket,
        actor,
        at: now,
        event: { type: 'ticket.assignee_changed', data: { from: userId, to: null } },
      });
    }
    return { released: ids.length };
  });
}
