import type { Role } from '../authz/permissions.js';
import type { TicketPriority, TicketStatus } from './ticket-status.js';

/** Set on a change an escalation rule made (the actor is then the system, null). */
// A type alias, not an interface: event data must stay assignable to a JSON record.
type ByRule = { ruleId?: string };

export type SlaTarget = 'first_response' | 'resolution';
export type EscalationNotify = 'managers' | 'assignee' | 'requester';

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
      data: { from: TicketStatus; to: TicketStatus; reason?: 'customer_reply' } & ByRule;
    }
  | { type: 'ticket.priority_changed'; data: { from: TicketPriority; to: TicketPriority } & ByRule }
  | { type: 'ticket.assignee_changed'; data: { from: string | null; to: string | null } & ByRule }
  | { type: 'ticket.message'; data: { messageId: string; internal: boolean; authorId: string; authorRole: Role } }
  | {
      /** An escalation rule acted; `actions` are the changes it made, `notify` whom it tells. */
      type: 'ticket.escalated';
      data: {
        ruleId: string;
        ruleName: string;
        actions: { setStatus?: TicketStatus; setPriority?: TicketPriority; assignTo?: string };
        notify: EscalationNotify[];
      };
    }
  | { type: 'ticket.sla_breached'; data: { target: SlaTarget; dueAt: string } };

export type TicketEventType = TicketEvent['type'];

/**
 * Internal events are shown only to holders of `tickets.note`, everywhere: internal notes,
 * and the desk's own bookkeeping about a ticket (escalation rules, SLA breaches), which is
 * no business of the customer.
 */
export const isInternalEvent = (event: TicketEvent): boolean =>
  (event.type === 'ticket.message' && event.data.internal) ||
  event.type === 'ticket.escalated' ||
  event.type === 'ticket.sla_breached';
