import { conflict, notFound } from '../http/errors.js';

export const ticketNotFound = () => notFound('ticket_not_found', 'No such ticket');

/** An assigner who finds the ticket taken lost a race (or saw a stale screen): a conflict, not a missing right. */
export const ticketAlreadyAssigned = () => conflict('ticket_already_assigned', 'The ticket is already assigned');

export const ticketClosed = () => conflict('ticket_closed', 'A closed ticket takes no more replies; open a new ticket');
