import { queryOptions } from '@tanstack/react-query';
import { api, json } from '../api/client';
import type { BulkChanges, BulkResult, NewTicket, Ticket, TicketChange, TicketFilter, TicketList, TicketMessage, TicketStatus } from '../api/models';
import { pagedQuery } from '../api/paging';

/**
 * Cache keys: `['ticket', id, …]` holds one ticket, its messages and its history, so one
 * ticket's news touches only its own entries; `['tickets', filter]` holds the lists.
 */
export const ticketKeys = {
  lists: ['tickets'] as const,
  list: (filter: TicketFilter) => ['tickets', filter] as const,
  one: (id: string) => ['ticket', id] as const,
  messages: (id: string) => ['ticket', id, 'messages'] as const,
  events: (id: string) => ['ticket', id, 'events'] as const,
};

const byId = (id: string) => ({ params: { path: { id } } });

export const getTicket = (id: string, signal?: AbortSignal): Promise<Ticket> => json(api.GET('/api/tickets/{id}', { ...byId(id), signal }));

export const ticketQuery = (id: string) => queryOptions({ queryKey: ticketKeys.one(id), queryFn: ({ signal }) => getTicket(id, signal) });

export const ticketListQuery = (filter: TicketFilter) =>
  pagedQuery(ticketKeys.list(filter), (cursor, signal): Promise<TicketList> => json(api.GET('/api/tickets', { params: { query: { ...filter, cursor } }, signal })));

export const messagesQuery = (id: string) =>
  queryOptions({
    queryKey: ticketKeys.messages(id),
    queryFn: async ({ signal }) => (await json(api.GET('/api/tickets/{id}/messages', { ...byId(id), signal }))).items,
  });

export const eventsQuery = (id: string) =>
  queryOptions({
    queryKey: ticketKeys.events(id),
    queryFn: async ({ signal }) => (await json(api.GET('/api/tickets/{id}/events', { ...byId(id), signal }))).items,
  });

export const assignableQuery = queryOptions({
  queryKey: ['users', 'assignable'] as const,
  queryFn: async ({ signal }) => (await json(api.GET('/api/users/assignable', { signal }))).items,
  staleTime: 60_000,
});

export const createTicket = (ticket: NewTicket): Promise<Ticket> => json(api.POST('/api/tickets', { body: ticket }));

export const updateTicket = (id: string, change: TicketChange): Promise<Ticket> => json(api.PATCH('/api/tickets/{id}', { ...byId(id), body: change }));

/** Posts a message; with `status`, the ticket moves to it in the same step ("send and set status"). */
/** `afterMessageId`: the newest message the writer had seen (null: none); omitted, the message is sent whatever came since. */
export const addMessage = (
  id: string,
  body: string,
  internal: boolean,
  attachmentIds: string[] = [],
  status?: TicketStatus,
  afterMessageId?: string | null,
): Promise<TicketMessage> =>
  json(
    api.POST('/api/tickets/{id}/messages', {
      ...byId(id),
      body: {
        body,
        ...(internal ? { internal } : {}),
        ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
        ...(status ? { status } : {}),
        ...(afterMessageId !== undefined ? { afterMessageId } : {}),
      },
    }),
  );

export const bulkUpdate = (ids: string[], changes: BulkChanges): Promise<BulkResult[]> =>
  json(api.POST('/api/tickets/bulk', { body: { ids, changes } })).then((answer) => answer.results);
