import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { Ticket, TicketList } from '../api/models';
import { ticketKeys, ticketQuery } from './tickets.api';

/** How one ticket's fresh copy reaches every cached place showing it. */

type ListData = InfiniteData<TicketList> | undefined;

/** Puts a fresh copy of a ticket into every cached list row showing it. */
function patchListedTicket(data: ListData, ticket: Ticket): ListData {
  if (!data?.pages.some((page) => page.items.some((row) => row.id === ticket.id))) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((row) => (row.id === ticket.id ? ticket : row)) })) };
}

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

