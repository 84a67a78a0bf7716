import type { Role } from '../authz/permissions.js';
import type { TicketPriority, TicketStatus } from './ticket-status.js';

/**
 * Every kind of entry in a ticket's history, with the data each carries. Reports and the
 * live stream read these, so each event records what they need (from/to, author role).
 * New kinds (escalations, SLA breaches) are added here and nowhere else.
 */
export type TicketEvent =
  | { type: 'ticket.created'; data: { status: TicketStatus; priority: TicketPriority; requesterId: string; openedBy: string } }
  | {
      type: 'ticket.status_changed';
      /** `customer_reply`: a customer answered a ticket that was waiting on them. */
      data: { from: TicketStatus; to: TicketStatus; reason?: 'customer_reply' };
    }
  | { type: 'ticket.priority_changed'; data: { from: TicketPriority; to: TicketPriority } }
  | { type: 'ticket.assignee_changed'; data: { from: string | null; to: string | null } }
  | { type: 'ticket.message'; data: { messageId: string; internal: boolean; authorId: string; authorRole: Role } };

export type TicketEventType = TicketEvent['type'];

/** An internal-note event is shown only to holders of `tickets.note`, everywhere. */
export const isInternalEvent = (event: TicketEvent): boolean => event.type === 'ticket.message' && event.data.internal;
