import type { QueryClient } from '@tanstack/react-query';
import type { Ticket, TicketMessage } from '../api/models';
import type { StreamEvent } from '../api/stream';
import { ROLE_LABELS } from '../ui/chips';
import { patchListedTicket, ticketKeys, ticketQuery } from '../tickets/tickets.api';
import { notificationKeys } from './notifications.api';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isRole = (value: unknown): value is TicketMessage['author']['role'] => typeof value === 'string' && value in ROLE_LABELS;

/** The message a `ticket.message` event carries (the stream sends it whole), as GET …/messages lists it. */
function carriedMessage(event: StreamEvent): TicketMessage | undefined {
  const message = event.data.message;
  if (!event.ticketId || !isRecord(message)) return undefined;
  const { id, body, internal, authorId, authorName, authorRole, createdAt } = message;
  if (typeof id !== 'string' || typeof body !== 'string' || typeof authorId !== 'string' || typeof createdAt !== 'string' || !isRole(authorRole)) return undefined;
  const author = { id: authorId, name: typeof authorName === 'string' ? authorName : '', role: authorRole };
  return { id, ticketId: event.ticketId, authorId, body, internal: internal === true, createdAt, author };
}

type ListData = Parameters<typeof patchListedTicket>[0];

/** Keeps one ticket's own answer (after our change or its refetch) in its entry and in every list row. */
export function storeTicket(client: QueryClient, ticket: Ticket): void {
  client.setQueryData(ticketKeys.one(ticket.id), ticket);
  client.setQueriesData({ queryKey: ticketKeys.lists }, (data: ListData) => patchListedTicket(data, ticket));
}

/** Whether a page on screen shows the ticket: its own page, or a row of a list. */
function isShown(client: QueryClient, id: string): boolean {
  if (client.getQueryCache().find({ queryKey: ticketKeys.one(id), exact: true })?.isActive()) return true;
  return client
    .getQueriesData<ListData>({ queryKey: ticketKeys.lists, type: 'active' })
    .some(([, data]) => data?.pages.some((page) => page.items.some((row) => row.id === id)));
}

/**
 * Reads the ticket again, once, when a page on screen shows it (abilities and SLA states are
 * the caller's and the server's to compute, so an event cannot be applied to it locally).
 * A copy cached for later is only marked stale: it is read again when next shown.
 */
export async function refreshTicket(client: QueryClient, id: string): Promise<Ticket | undefined> {
  if (!isShown(client, id)) {
    void client.invalidateQueries({ queryKey: ticketKeys.one(id), exact: true, refetchType: 'none' });
    return undefined;
  }
  try {
    const ticket = await client.query({ ...ticketQuery(id), staleTime: 0 });
    storeTicket(client, ticket);
    return ticket;
  } catch {
    // No longer visible to us (or the server is away): the next list or page load says so.
    return undefined;
  }
}

/**
 * What one live event changes in the cache. A new ticket may belong in any list, so lists are
 * read again; any other event touches only its own ticket: the message it carries is added,
 * its history and the ticket itself are read again, and list rows showing it are patched
 * (a row stays where it is until the list is next loaded, rather than jumping away under the cursor).
 */
export function applyLiveEvent(client: QueryClient, event: StreamEvent): void {
  if (event.type === 'notification') {
    void client.invalidateQueries({ queryKey: notificationKeys.all });
    return;
  }
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
