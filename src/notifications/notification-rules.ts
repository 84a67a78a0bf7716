import { isStaffRole } from '../authz/roles.js';
import type { TicketEvent } from '../tickets/ticket-events.js';
import type { TicketStatus } from '../tickets/ticket-status.js';
import type { NotificationKind } from './notification-kinds.js';

/** Who a notification goes to: named users, and every active manager when `managers` is set. */
export interface Audience {
  userIds: string[];
  managers: boolean;
}

export interface PlannedNotification {
  kind: NotificationKind;
  to: Audience;
}

/** The ticket as the event left it: whom "requester" and "assignee" mean. */
export interface TicketParties {
  requesterId: string;
  assigneeId: string | null;
}

const users = (...ids: (string | null)[]): Audience => ({ userIds: ids.filter((id) => id !== null), managers: false });
const managersAnd = (...ids: (string | null)[]): Audience => ({ ...users(...ids), managers: true });

const STATUS_KINDS: Partial<Record<TicketStatus, NotificationKind>> = {
  waiting_on_customer: 'waiting_on_customer',
  resolved: 'ticket_resolved',
  closed: 'ticket_closed',
};

function onStatusChange(event: Extract<TicketEvent, { type: 'ticket.status_changed' }>, ticket: TicketParties): PlannedNotification[] {
  const { to, ruleId } = event.data;
  // A rule's escalation is announced by its own `ticket.escalated` event, with the rule's audience.
  if (to === 'escalated') return ruleId === undefined ? [{ kind: 'ticket_escalated', to: managersAnd() }] : [];
  const kind = STATUS_KINDS[to];
  return kind ? [{ kind, to: users(ticket.requesterId) }] : [];
}

/**
 * What an event tells whom: the single mapping from ticket history to notifications.
 * Who is left out (the actor, inactive users, whoever may not see the ticket) and over
 * which channel (preferences) is decided when the audience is resolved.
 */
export function plannedNotifications(event: TicketEvent, ticket: TicketParties): PlannedNotification[] {
  switch (event.type) {
    case 'ticket.created':
      return [{ kind: 'ticket_received', to: users(ticket.requesterId) }];
    case 'ticket.note':
      // An internal note tells nobody anything, by mail or in the app.
      return [];
    case 'ticket.message':
      if (!isStaffRole(event.data.authorRole)) return [{ kind: 'customer_reply', to: users(ticket.assigneeId) }];
      return [{ kind: 'staff_reply', to: users(ticket.requesterId) }];
    case 'ticket.status_changed':
      return onStatusChange(event, ticket);
    case 'ticket.assignee_changed':
      return event.data.to === null ? [] : [{ kind: 'ticket_assigned', to: users(event.data.to) }];
    case 'ticket.priority_changed':
    case 'ticket.tags_changed':
    case 'ticket.team_changed':
    case 'ticket.satisfaction_rated':
      return [];
    case 'ticket.escalated': {
      const { notify } = event.data;
      const named = [
        notify.includes('assignee') ? ticket.assigneeId : null,
        notify.includes('requester') ? ticket.requesterId : null,
      ];
      // API.md: managers hear of every escalation, whatever else the rule names.
      return [{ kind: 'ticket_escalated', to: managersAnd(...named) }];
    }
    case 'ticket.sla_breached':
      return [{ kind: 'sla_breached', to: managersAnd() }];
  }
}

/**
 * Nobody is told about their own action, with one exception: the receipt for a ticket
 * one opened oneself is still mailed (it is the customer's proof the desk has it).
 */
export function mayReachActor(kind: NotificationKind, channel: 'email' | 'inApp'): boolean {
  return kind === 'ticket_received' && channel === 'email';
}
