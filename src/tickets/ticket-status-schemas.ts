import { literalUnion } from '../http/schemas.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from './ticket-status.js';

/**
 * A ticket's status and priority as request and response schemas, in a file of their own:
 * the escalation rules' stored shape uses them too, and reaches them without the
 * presenter's imports (the repositories, and through them the database's schema).
 */
export const TicketStatusSchema = literalUnion(TICKET_STATUSES);
export const TicketPrioritySchema = literalUnion(TICKET_PRIORITIES);
