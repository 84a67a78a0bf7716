import type { QueryClient } from '@tanstack/react-query';
import type { TicketMessage } from '../api/models';
import type { StreamEvent } from '../api/stream';
import { refreshTicket } from '../tickets/ticket-cache';
import { ticketKeys } from '../tickets/tickets.api';
import { ROLE_LABELS } from '../ui/chips';
import { notificationKeys } from './notifications.api';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isRole = (value: unknown): value is TicketMessage['author']['role'] => typeof value === 'string' && value in ROLE_LABELS;

/** The message a `ticket.message` event carries (the stream sends it whole), as GET …/messages lists it. */
function carriedMessage(event: StreamEvent): TicketMessage | undefined {
  const message = event.data.message;
  if (!event.ticketId || !isRecord(message)) return undefined;
  const { id, body, internal, authorId, authorName, authorRole, createdAt, attachments } = message;
  if (typeof id !== 'string' || typeof body !== 'string' || typeof authorId !== 'string' || typeof createdAt !== 'string' || !isRole(authorRole)) return undefined;
  const author = { id: authorId, name: typeof authorName === 'string' ? authorName : '', role: authorRole };
  return { id, ticketId: event.ticketId, authorId, body, internal: internal === true, createdAt, author, attachments: attachmentsOf(attachments) };
}

/** The files the stream lists with a message; anything malformed is left out rather than shown broken. */
function attachmentsOf(value: unknown): TicketMessage['attachments'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) =>
    isRecord(entry) && typeof entry.id === 'string' && typeof entry.name === 'string' && typeof entry.type === 'string' && typeof entry.size === 'number'
      ? [{ id: entry.id, name: entry.name, type: entry.type, size: entry.size }]
      : [],
  );
}

/**
 * What one live event changes in the cache. A new ticket may belong in any list, so lists are
 * read again; any other event touches only its own ticket: the message it carries is added,
 * its history and the ticket itself are read again, and list rows showing it are patched
 * (a row stays where it is until the list is next loaded, rather than jumping away under the cursor).
 */
export function applyLiveEvent(client: QueryClient, event: StreamEvent): void {
  // The server skipped what this client missed (too much to replay): everything is read again.
  if (event.type === 'reset') {
    void client.invalidateQueries();
    return;
  }
  if (event.type === 'notification') {
    void client.invalidateQueries({ queryKey: notificationKeys.all });
    return;
  }
  // Who is on a ticket changes nothing in it (usePresence shows it).
  if (event.type === 'presence') return;
  if (event.type === 'ticket.created') {
    void client.invalidateQueries({ queryKey: ticketKeys.lists });
    return;
  }
  const id = event.ticketId;
  if (!id) return;
  if (event.type === 'ticket.message') {
    const message = carriedMessage(event);
    if (message) {
      client.setQueryData(ticketKeys.messages(id), (messages: TicketMessage[] | undefined) =>
        !messages || messages.some((known) => known.id === message.id) ? messages : [...messages, message],
      );
    } else {
      void client.invalidateQueries({ queryKey: ticketKeys.messages(id), exact: true });
    }
  }
  void client.invalidateQueries({ queryKey: ticketKeys.events(id), exact: true });
  void refreshTicket(client, id);
}
