import { eq, inArray, not, or, type Placeholder, type SQL } from 'drizzle-orm';
import { forbidden } from '../../http/errors.js';
import { ticketAlreadyAssigned, ticketClosed, ticketNotFound } from '../../tickets/ticket-errors.js';
import { STATUS_TRANSITIONS, type TicketPriority, type TicketStatus } from '../../tickets/ticket-status.js';
import { ticketEvents, ticketMessages, tickets } from '../../tickets/tickets.schema.js';
import type { Actor, Subject } from '../actor.js';
import { allow, allowed, allowOnFound, enforce, holds, missingPermission } from '../policy.js';
import { isStaff } from '../roles.js';

/** Someone a ticket may be shown to: the caller of a request, a stream's or a notification's recipient. */
export type TicketViewer = Pick<Actor, 'id' | 'permissions' | 'teams'>;

/** What visibility is decided on: whose ticket it is, who has it and which team. */
export interface TicketPlace {
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
}

/**
 * The one visibility rule. Without `tickets.read.all` a viewer sees only the tickets they
 * asked. With it, everyone's, unless they belong to a team that restricts its agents: then
 * their teams' tickets, those assigned to them and their own (managing teams lifts the
 * restriction, since whoever may change the teams may as well see them all). Lists,
 * searches and single reads filter with it in SQL (`visibleTickets`), the stream and
 * notifications in memory (`canSeeTicket`). A ticket outside it is answered as not found,
 * never forbidden.
 */
type TicketScope = { kind: 'all' } | { kind: 'own' } | { kind: 'teams'; teamIds: readonly string[] };

const EVERYONES: TicketScope = { kind: 'all' };
const OWN: TicketScope = { kind: 'own' };

function ticketScope(viewer: TicketViewer): TicketScope {
  if (!holds(viewer, 'tickets.read.all')) return OWN;
  if (viewer.teams.restricted && !holds(viewer, 'teams.manage')) return { kind: 'teams', teamIds: viewer.teams.ids };
  return EVERYONES;
}

/** Sees tickets other people asked (all of them, or a team-scoped part): the stream offers them everything and filters per entry. */
export const seesOthersTickets = (viewer: TicketViewer): boolean => ticketScope(viewer).kind !== 'own';

/**
 * The teams a viewer's reports are limited to: a team-scoped viewer's own teams (reports
 * count tickets by team, so the tickets merely assigned to them are left out); undefined:
 * every ticket.
 */
export function reportTeams(viewer: TicketViewer): readonly string[] | undefined {
  const scope = ticketScope(viewer);
  return scope.kind === 'teams' ? scope.teamIds : undefined;
}

/**
 * The tickets a person asked, as SQL: a customer's whole sight. A placeholder serves the
 * statements built once and run for each caller (src/tickets/ticket-list.repository.ts).
 */
export const askedBy = (requesterId: string | Placeholder): SQL => eq(tickets.requesterId, requesterId);

const teamScopedTickets = (viewer: TicketViewer, teamIds: readonly string[]): SQL | undefined =>
  or(
    askedBy(viewer.id),
    eq(tickets.assigneeId, viewer.id),
    teamIds.length === 0 ? undefined : inArray(tickets.teamId, [...teamIds]),
  );

/** `ticketScope` as a filter on the tickets table; `undefined` means "no restriction". */
export function visibleTickets(viewer: TicketViewer): SQL | undefined {
  const scope = ticketScope(viewer);
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'own') return askedBy(viewer.id);
  return teamScopedTickets(viewer, scope.teamIds);
}

/** `visibleTickets` in a shape the commonest reads run prepared with: everyone's, or the requester's own. */
export type TicketVisibility = { kind: 'all' } | { kind: 'own'; requesterId: string } | { kind: 'filtered'; filter: SQL | undefined };

export function ticketVisibility(viewer: TicketViewer): TicketVisibility {
  const scope = ticketScope(viewer);
  if (scope.kind === 'all') return { kind: 'all' };
  if (scope.kind === 'own') return { kind: 'own', requesterId: viewer.id };
  return { kind: 'filtered', filter: teamScopedTickets(viewer, scope.teamIds) };
}

/** `visibleTickets` for one ticket already in memory. */
export function canSeeTicket(viewer: TicketViewer, ticket: TicketPlace): boolean {
  const scope = ticketScope(viewer);
  if (scope.kind === 'all') return true;
  if (ticket.requesterId === viewer.id) return true;
  if (scope.kind === 'own') return false;
  return ticket.assigneeId === viewer.id || (ticket.teamId !== null && scope.teamIds.includes(ticket.teamId));
}

/** Internal notes, and every event about them, exist only for holders of `tickets.note`. */
export const canSeeInternalNotes = (viewer: TicketViewer): boolean => holds(viewer, 'tickets.note');

/**
 * Tags are the desk's own labels ("angry", "refund-risk"): like internal notes, they exist
 * only for holders of `tickets.note`, in tickets, filters, counts, history and the stream.
 */
export const canSeeTags = canSeeInternalNotes;

export function visibleMessages(viewer: TicketViewer): SQL | undefined {
  return canSeeInternalNotes(viewer) ? undefined : not(ticketMessages.internal);
}

/** Which search document a viewer's search reads: the one with internal notes (`staff`) only for holders of `tickets.note`. */
export function searchDocument(viewer: TicketViewer): 'staff' | 'public' {
  return canSeeInternalNotes(viewer) ? 'staff' : 'public';
}

export function visibleEvents(viewer: TicketViewer): SQL | undefined {
  return canSeeInternalNotes(viewer) ? undefined : eq(ticketEvents.internal, false);
}

/** `visibleTickets` and `visibleEvents` together, for one event in memory. */
export const canSeeTicketEvent = (viewer: TicketViewer, ticket: TicketPlace, event: { internal: boolean }): boolean =>
  canSeeTicket(viewer, ticket) && (!event.internal || canSeeInternalNotes(viewer));

/** The parts of a ticket its permission decisions depend on. */
export interface TicketState extends TicketPlace {
  status: TicketStatus;
}

/** A status change asked for; whether the status machine allows it is decided separately (409). */
export interface StatusMove extends TicketState {
  to: TicketStatus;
}

/** Every action on an existing ticket starts from seeing it. */
const onTicket = { sees: canSeeTicket, notFound: ticketNotFound };

/** API.md: "A customer may always close their own ticket and reopen their own `resolved` ticket." */
const requesterMay = (subject: Subject, move: StatusMove): boolean =>
  move.requesterId === subject.id && (move.to === 'closed' || (move.status === 'resolved' && move.to === 'open'));

const read = allowOnFound<TicketState>({ ...onTicket });
const open = allow<undefined>({ permission: 'tickets.create' });
const openWithPriority = allow<undefined>({ permission: 'tickets.priority' });
/** Opening a ticket for someone else is a staff matter (a role, not a permission). */
const openFor = allow<{ requesterId: string }>({
  when: (subject, request) => request.requesterId === subject.id || isStaff(subject),
  otherwise: () => forbidden('Only staff may open a ticket on behalf of a customer'),
});
/** Finding the customer to open a ticket for is part of opening one for them: staff who may open tickets (decided on the caller). */
const chooseRequester = allow<{ id: string }>({
  permission: 'tickets.create',
  when: (subject) => isStaff(subject),
  otherwise: () => forbidden('Only staff may open a ticket on behalf of a customer'),
});
/** A closed ticket is done: the conversation goes on in a new one (internal notes still may be added). */
const reply = allowOnFound<TicketState>({
  ...onTicket,
  permission: 'tickets.reply',
  when: (_subject, ticket) => ticket.status !== 'closed',
  otherwise: ticketClosed,
});
const note = allowOnFound<TicketState>({ ...onTicket, permission: 'tickets.note' });
const priority = allowOnFound<TicketState>({ ...onTicket, permission: 'tickets.priority' });
const move = allowOnFound<StatusMove>({ ...onTicket, permission: 'tickets.status', alsoIf: requesterMay });
/** Claims an unassigned ticket, for oneself or another agent. */
const assign = allowOnFound<TicketState>({
  ...onTicket,
  permission: 'tickets.assign',
  when: (_subject, ticket) => ticket.assigneeId === null,
  otherwise: ticketAlreadyAssigned,
});
/** Moves the ticket to another team, or out of any (which may take it out of a restricted agent's sight). */
const setTeam = allowOnFound<TicketState>({ ...onTicket, permission: 'tickets.team' });
/** Changes or clears an existing assignee. */
const reassign = allowOnFound<TicketState>({ ...onTicket, permission: 'tickets.reassign' });
/** Tags are changed by holders of `tickets.tag` who may also see them. */
const tag = allowOnFound<TicketState>({
  ...onTicket,
  permission: 'tickets.tag',
  when: (subject) => canSeeTags(subject),
  otherwise: () => missingPermission('tickets.note'),
});
/**
 * Who is viewing or typing on a ticket is the desk's business: staff who see the ticket
 * announce it and receive it; customers do neither.
 */
export const canSeePresence = (viewer: Subject, ticket: TicketPlace): boolean => isStaff(viewer) && canSeeTicket(viewer, ticket);
const presence = allowOnFound<TicketState>({
  ...onTicket,
  when: (subject) => isStaff(subject),
  otherwise: () => forbidden('Presence is shared among staff only'),
});
/** Filtering and counting by tag would tell a tag to whoever may not see it. */
const seeTags = allow<undefined>({ permission: 'tickets.note' });
/**
 * Renaming, merging or deleting a tag rewrites it on every ticket that carries it: the
 * desk's shared wording, kept by whoever keeps the shared macros (`macros.manage`, managers
 * by default; no permission of its own). The caller must also see tags (`tags.read`).
 */
const manageTags = allow<undefined>({ permission: 'macros.manage' });
/** Anyone who assigns at all may list whom to, and set the assignee a ticket already has (a no-op). */
const chooseAssignee = allow<undefined>({ permission: ['tickets.assign', 'tickets.reassign'] });

export const ticketPolicy = {
  'ticket.read': read,
  'ticket.open': open,
  'ticket.openWithPriority': openWithPriority,
  'ticket.openFor': openFor,
  'ticket.chooseRequester': chooseRequester,
  'ticket.reply': reply,
  'ticket.note': note,
  'ticket.priority': priority,
  'ticket.move': move,
  'ticket.assign': assign,
  'ticket.reassign': reassign,
  'ticket.setTeam': setTeam,
  'ticket.chooseAssignee': chooseAssignee,
  'ticket.tag': tag,
  'tags.read': seeTags,
  'tags.manage': manageTags,
  'ticket.presence': presence,
};

export interface NewTicketRequest {
  priority?: TicketPriority | undefined;
  requesterId?: string | undefined;
}

export function authorizeCreateTicket(actor: Subject, request: NewTicketRequest): void {
  enforce(actor, open, undefined);
  if (request.priority !== undefined) enforce(actor, openWithPriority, undefined);
  if (request.requesterId !== undefined) enforce(actor, openFor, { requesterId: request.requesterId });
}

export interface TicketPatch {
  status?: TicketStatus | undefined;
  priority?: TicketPriority | undefined;
  assigneeId?: string | null | undefined;
  addTags?: readonly string[] | undefined;
  removeTags?: readonly string[] | undefined;
  teamId?: string | null | undefined;
}

/**
 * `tickets.assign` claims an unassigned ticket; anything that changes or clears an
 * existing assignee needs `tickets.reassign`. An assigner who finds the ticket already
 * taken gets the claim's 409, the same answer whether the other assignment committed a
 * moment before or during this request.
 */
function authorizeAssigneeChange(actor: Subject, ticket: TicketState, next: string | null): void {
  if (next === ticket.assigneeId) return enforce(actor, chooseAssignee, undefined);
  if (ticket.assigneeId === null) return enforce(actor, assign, ticket);
  // Taken already: an assigner without tickets.reassign who wants it too is refused as a claim.
  const claims = next !== null && holds(actor, 'tickets.assign') && !holds(actor, 'tickets.reassign');
  enforce(actor, claims ? assign : reassign, ticket);
}

/** Each field of a PATCH checks its own rule, against the ticket as read. */
export function authorizeTicketPatch(actor: Subject, ticket: TicketState, patch: TicketPatch): void {
  if (patch.status !== undefined) enforce(actor, move, { ...ticket, to: patch.status });
  if (patch.priority !== undefined) enforce(actor, priority, ticket);
  if (patch.assigneeId !== undefined) authorizeAssigneeChange(actor, ticket, patch.assigneeId);
  if (patch.addTags !== undefined || patch.removeTags !== undefined) enforce(actor, tag, ticket);
  if (patch.teamId !== undefined) enforce(actor, setTeam, ticket);
}

/** What the caller may do with a ticket now; clients render their controls from it. */
export interface TicketAbilities {
  reply: boolean;
  note: boolean;
  close: boolean;
  /** Move a resolved ticket back to open. */
  reopen: boolean;
  /** Claim the ticket or give it to someone while it is unassigned. */
  assign: boolean;
  /** Change or clear the assignee it has. */
  reassign: boolean;
  priority: boolean;
  /** Add and remove tags. */
  tag: boolean;
  /** Move it to another team or out of any. */
  team: boolean;
  /** The statuses it may move to now: the status machine's next steps the caller's rules allow. */
  statuses: TicketStatus[];
}

export function ticketAbilities(subject: Subject, row: TicketState): TicketAbilities {
  // The rules read only these: a queue page asks for every move of every ticket, and copying the whole row each time was most of the cost.
  const ticket: TicketState = { requesterId: row.requesterId, assigneeId: row.assigneeId, teamId: row.teamId, status: row.status };
  const statuses = STATUS_TRANSITIONS[ticket.status].filter((to) => allowed(subject, move, { ...ticket, to }));
  return {
    reply: allowed(subject, reply, ticket),
    note: allowed(subject, note, ticket),
    close: statuses.includes('closed'),
    reopen: ticket.status === 'resolved' && statuses.includes('open'),
    assign: allowed(subject, assign, ticket),
    reassign: ticket.assigneeId !== null && allowed(subject, reassign, ticket),
    priority: allowed(subject, priority, ticket),
    tag: allowed(subject, tag, ticket),
    team: allowed(subject, setTeam, ticket),
    statuses,
  };
}

/**
 * How a ticket stands to `subject`, which is all the rules above read of it: asked by them or
 * not; assigned to them, to nobody or to someone else; in one of their teams, in none or in
 * another; and its status. Tickets alike in these get the same abilities.
 */
function standing(subject: Subject, ticket: TicketState): string {
  const asked = ticket.requesterId === subject.id ? 'r' : '-';
  const assigned = ticket.assigneeId === null ? 'n' : ticket.assigneeId === subject.id ? 'a' : '-';
  const team = ticket.teamId === null ? 'n' : subject.teams.ids.includes(ticket.teamId) ? 't' : '-';
  return `${asked}${assigned}${team}${ticket.status}`;
}

/**
 * `ticketAbilities` for many tickets seen by one subject, decided once per standing: a queue
 * page of 25 has a handful, and deciding each ticket was half the cost of presenting the page.
 */
export function abilitiesPerStanding(subject: Subject): (ticket: TicketState) => TicketAbilities {
  const decided = new Map<string, TicketAbilities>();
  return (ticket) => {
    const key = standing(subject, ticket);
    let abilities = decided.get(key);
    if (!abilities) decided.set(key, (abilities = ticketAbilities(subject, ticket)));
    return abilities;
  };
}
