import { forbidden } from '../../http/errors.js';
import { ticketNotFound } from '../../tickets/ticket-errors.js';
import { allowOnFound } from '../policy.js';
import { canSeeTicket, type TicketPlace } from './ticket.js';

/**
 * A ticket's satisfaction rating is part of the ticket: whoever sees the ticket sees it
 * (staff, and its requester), nobody else (404). Only the requester answers it.
 */
export const satisfactionPolicy = {
  'satisfaction.read': allowOnFound<TicketPlace>({ sees: canSeeTicket, notFound: ticketNotFound }),
  'satisfaction.rate': allowOnFound<TicketPlace>({
    sees: canSeeTicket,
    notFound: ticketNotFound,
    when: (subject, ticket) => ticket.requesterId === subject.id,
    otherwise: () => forbidden('Only the requester rates a ticket'),
  }),
};
