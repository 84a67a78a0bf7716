import type { Role } from '../authz/permissions.js';
import type { EventDispatcher } from '../events/dispatcher.js';
import type { TicketPriority, TicketStatus } from './ticket-status.js';
import type { TicketRow } from './tickets.repository.js';

/** Set on a change an escalation rule made (the actor is then the system, null). */
// A type alias, not an interface: event data must stay assignable to a JSON record.
type ByRule = { ruleId?: string };

export type SlaTarget = 'first_response' | 'resolution';
export type EscalationNotify = 'managers' | 'assignee' | 'requester';

/** The files that came with a message or a new ticket, as the API lists them (absent when none). */
export type EventAttachments = { id: string; name: string; type: string; size: number }[];
type MessageData<Internal extends boolean> = {
  messageId: string;
  internal: Internal;
  authorId: string;
  authorRole: Role;
  attachments?: EventAttachments;
};

/**
 * Every kind of ticket event, with the data its history entry stores. Reports and the
 * live stream read the stored entries, so each records what they need (from/to, author
 * role). New kinds (escalations, SLA breaches) are added here and nowhere else.
 */
export type TicketEvent =
  | {
      type: 'ticket.created';
      data: { status: TicketStatus; priority: TicketPriority; requesterId: string; openedBy: string; attachments?: EventAttachments };
    }
  /** A public message. `body` goes to the handlers (mails quote it), not into the history: ticket_messages holds it. */
  | { type: 'ticket.message'; data: MessageData<false>; body: string }
  /** An internal note: stored as a `ticket.message` marked internal, as it always was. */
  | { type: 'ticket.note'; data: MessageData<true> }
  | {
      type: 'ticket.status_changed';
      /** `customer_reply`: a customer answered a ticket that was waiting on them. */
      data: { from: TicketStatus; to: TicketStatus; reason?: 'customer_reply' } & ByRule;
    }
  | { type: 'ticket.priority_changed'; data: { from: TicketPriority; to: TicketPriority } & ByRule }
  | {
      type: 'ticket.assignee_changed';
      /** `automatic`: the team's automatic assignment chose the assignee (the actor is then the system, null). */
      data: { from: string | null; to: string | null; automatic?: true } & ByRule;
    }
  | {
      type: 'ticket.team_changed';
      /** `routingRuleId`: a routing rule took the ticket (of no team) when it got one of the rule's tags; the actor is who tagged it. */
      data: { from: string | null; to: string | null; routingRuleId?: string } & ByRule;
    }
  | {
      /** An escalation rule acted; `actions` are the changes it made, `notify` whom it tells. */
      type: 'ticket.escalated';
      data: {
        ruleId: string;
        ruleName: string;
        actions: { setStatus?: TicketStatus; setPriority?: TicketPriority; assignTo?: string; setTeam?: string };
        notify: EscalationNotify[];
      };
    }
  | { type: 'ticket.sla_breached'; data: { target: SlaTarget; dueAt: string } }
  /** Staff changed the ticket's tags (internal, like the tags themselves). */
  | { type: 'ticket.tags_changed'; data: { added: string[]; removed: string[]; tags: string[] } }
  /** The requester answered (or changed) the satisfaction request; the actor is null when by a mailed link. */
  | { type: 'ticket.satisfaction_rated'; data: { rating: 'good' | 'bad'; comment: boolean } };

export type TicketEventType = TicketEvent['type'];

/** The `type` a ticket event is stored (and streamed, and reported) under. */
export const storedType = (event: TicketEvent): string => (event.type === 'ticket.note' ? 'ticket.message' : event.type);

/** Who caused an event; null for the system (escalation rules, SLA checks). */
export interface EventActor {
  id: string;
  name: string;
}

/**
 * What a handler gets: the event, its id in the shared event sequence, and what the writer
 * holds anyway, so no handler reads it again: the ticket as the change left it, the actor
 * and the time of the change.
 */
export interface TicketEventEnvelope {
  id: number;
  event: TicketEvent;
  ticket: TicketRow;
  actor: EventActor | null;
  at: Date;
}

/** Hands ticket events to the features that act on them (notifications, the SLA clock). */
export type TicketEventDispatcher = EventDispatcher<TicketEventEnvelope>;

/**
 * Internal events are shown only to holders of `tickets.note`, everywhere: internal notes,
 * and the desk's own bookkeeping about a ticket (escalation rules, SLA breaches), which is
 * no business of the customer.
 */
export const isInternalEvent = (event: TicketEvent): boolean =>
  event.type === 'ticket.note' ||
  event.type === 'ticket.escalated' ||
  event.type === 'ticket.sla_breached' ||
  event.type === 'ticket.tags_changed';
