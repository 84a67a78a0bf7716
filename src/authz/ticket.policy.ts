import { eq, type SQL } from 'drizzle-orm';
import { conflict, forbidden } from '../http/errors.js';
import type { TicketPriority, TicketStatus } from '../tickets/ticket-status.js';
import { ticketEvents, ticketMessages, tickets } from '../tickets/tickets.schema.js';
import { isStaff, type Actor } from './actor.js';
import { authorize, can } from './authorize.js';

/**
 * Who may see and do what with tickets. Visibility is returned as SQL so lists, searches
 * and single reads all filter in the database with the same rule; `undefined` means
 * "no restriction". A ticket outside the filter is answered as not found, never forbidden.
 */
export function visibleTickets(actor: Actor): SQL | undefined {
  const requesterId = visibleRequester(actor);
  return requesterId === undefined ? undefined : eq(tickets.requesterId, requesterId);
}

/** `visibleTickets` as a value, for prepared queries: the one requester whose tickets the actor may see, or undefined for all. */
export function visibleRequester(actor: Actor): string | undefined {
  return can(actor, 'tickets.read.all') ? undefined : actor.id;
}

/** Someone a ticket may be shown to: the caller of a request, a stream's or a notification's recipient. */
export type TicketViewer = Pick<Actor, 'id' | 'permissions'>;

/** `visibleTickets` for one ticket already in memory (the live stream filters events this way). */
export const canSeeTicket = (viewer: TicketViewer, ticket: { requesterId: string }): boolean =>
  can(viewer, 'tickets.read.all') || ticket.requesterId === viewer.id;

/** Internal notes, and every event about them, exist only for holders of `tickets.note`. */
export const canSeeInternalNotes = (actor: TicketViewer): boolean => can(actor, 'tickets.note');

/** `visibleTickets` and `visibleEvents` together, for one event in memory. */
export const canSeeTicketEvent = (viewer: TicketViewer, ticket: { requesterId: string }, event: { internal: boolean }): boolean =>
  canSeeTicket(viewer, ticket) && (!event.internal || canSeeInternalNotes(viewer));

export function visibleMessages(actor: Actor): SQL | undefined {
  return canSeeInternalNotes(actor) ? undefined : eq(ticketMessages.internal, false);
}

export function visibleEvents(actor: Actor): SQL | undefined {
  return canSeeInternalNotes(actor) ? undefined : eq(ticketEvents.internal, false);
}

export interface NewTicketRequest {
  priority?: TicketPriority | undefined;
  requesterId?: string | undefined;
}

export function authorizeCreateTicket(actor: Actor, request: NewTicketRequest): void {
  authorize(actor, 'tickets.create');
  if (request.priority !== undefined) authorize(actor, 'tickets.priority');
  if (request.requesterId !== undefined && request.requesterId !== actor.id && !isStaff(actor)) {
    throw forbidden('Only staff may open a ticket on behalf of a customer');
  }
}

/** The parts of a ticket its permission decisions depend on. */
export interface TicketState {
  requesterId: string;
  status: TicketStatus;
  assigneeId: string | null;
}

export interface TicketPatch {
  status?: TicketStatus | undefined;
  priority?: TicketPriority | undefined;
  assigneeId?: string | null | undefined;
}

/**
 * `tickets.status` moves any visible ticket; without it a requester may still close their
 * own ticket and reopen their own resolved one (API.md: "a customer may always").
 * Whether the move is allowed by the status machine is decided separately (409).
 */
export function authorizeStatusChange(actor: Actor, ticket: TicketState, to: TicketStatus): void {
  if (can(actor, 'tickets.status')) return;
  const own = ticket.requesterId === actor.id;
  if (own && (to === 'closed' || (ticket.status === 'resolved' && to === 'open'))) return;
  throw forbidden('Missing permission tickets.status');
}

/**
 * `tickets.assign` claims an unassigned ticket; anything that changes or clears an
 * existing assignee needs `tickets.reassign`. An assigner who finds the ticket already
 * taken lost a race (or a stale screen) rather than lacking a right, so that is a 409:
 * the same answer whether the other assignment committed a moment before or during
 * this request.
 */
export function authorizeAssigneeChange(actor: Actor, current: string | null, next: string | null): void {
  const assigner = can(actor, 'tickets.assign');
  const reassigner = can(actor, 'tickets.reassign');
  if (next === current) {
    if (assigner || reassigner) return;
    throw forbidden('Missing permission tickets.assign');
  }
  if (current === null) return authorize(actor, 'tickets.assign');
  if (reassigner) return;
  if (assigner && next !== null) throw conflict('ticket_already_assigned', 'The ticket is already assigned');
  throw forbidden('Missing permission tickets.reassign');
}

/** Each field of a PATCH checks its own permission, against the ticket as read. */
export function authorizeTicketPatch(actor: Actor, ticket: TicketState, patch: TicketPatch): void {
  if (patch.status !== undefined) authorizeStatusChange(actor, ticket, patch.status);
  if (patch.priority !== undefined) authorize(actor, 'tickets.priority');
  if (patch.assigneeId !== undefined) authorizeAssigneeChange(actor, ticket.assigneeId, patch.assigneeId);
}

export function authorizeMessage(actor: Actor, internal: boolean): void {
  authorize(actor, internal ? 'tickets.note' : 'tickets.reply');
}
