import type { TicketPriority } from './ticket-status.js';
import type { TicketRow } from './tickets.repository.js';

export type TicketDueDates = Pick<TicketRow, 'firstResponseDueAt' | 'resolutionDueAt'>;

/**
 * The due dates a new ticket opens with, so it is written once, complete. The sla feature
 * answers from its policies (wired in src/compose.ts): tickets holds no SLA rules. Call it
 * before the ticket's transaction: it may read settings on another connection.
 */
export type NewTicketDueDates = (priority: TicketPriority, createdAt: Date) => Promise<TicketDueDates>;
