import { conflict, invalidField, notFound } from '../http/errors.js';

export const ticketNotFound = () => notFound('ticket_not_found', 'No such ticket');

/** An assigner who finds the ticket taken lost a race (or saw a stale screen): a conflict, not a missing right. */
export const ticketAlreadyAssigned = () => conflict('ticket_already_assigned', 'The ticket is already assigned');

export const ticketClosed = () => conflict('ticket_closed', 'A closed ticket takes no more replies; open a new ticket');

/** Someone else wrote on the ticket since the composer's newest message: read it before answering. */
export const ticketChanged = () =>
  conflict('ticket_changed', 'New messages arrived on the ticket while you wrote; read them, then send again');

export const unknownAfterMessage = () =>
  invalidField('invalid_after_message', 'afterMessageId', 'Not a message of this ticket that you can see');
