import { conflict } from '../http/errors.js';

export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** The status machine of API.md, the only place it is written down. Anything not listed is refused. */
export const STATUS_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  open: ['in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed'],
  in_progress: ['open', 'waiting_on_customer', 'escalated', 'resolved', 'closed'],
  waiting_on_customer: ['open', 'in_progress', 'escalated', 'resolved', 'closed'],
  escalated: ['in_progress', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export const canTransition = (from: TicketStatus, to: TicketStatus): boolean => STATUS_TRANSITIONS[from].includes(to);

export function assertTransition(from: TicketStatus, to: TicketStatus): void {
  if (!canTransition(from, to)) {
    throw conflict('transition_not_allowed', `A ${from} ticket cannot move to ${to}`);
  }
}

export interface StatusTimestamps {
  resolvedAt?: Date | null;
  closedAt?: Date;
}

/**
 * What entering a status does to the lifecycle timestamps: resolving stamps resolvedAt
 * anew, any step back into work (a reopen) clears it, closing keeps it (a resolved
 * ticket that is closed was still resolved at that time) and stamps closedAt.
 */
export function timestampsOnEntering(to: TicketStatus, now: Date): StatusTimestamps {
  if (to === 'resolved') return { resolvedAt: now };
  if (to === 'closed') return { closedAt: now };
  return { resolvedAt: null };
}
