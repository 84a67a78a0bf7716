import type { TicketStatus } from '../api/types';

/**
 * The transitions API.md documents, used only to decide which choices to offer: the server
 * still checks every change and its 409 is shown as it comes.
 */
export const NEXT_STATUSES: Record<TicketStatus, TicketStatus[]> = {
  open: ['in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed'],
  in_progress: ['open', 'waiting_on_customer', 'escalated', 'resolved', 'closed'],
  waiting_on_customer: ['open', 'in_progress', 'escalated', 'resolved', 'closed'],
  escalated: ['in_progress', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

/** Statuses a ticket is still being worked in; the queue's default view. */
export const ACTIVE_STATUSES: TicketStatus[] = ['open', 'in_progress', 'waiting_on_customer', 'escalated'];
