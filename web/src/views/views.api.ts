import { queryOptions } from '@tanstack/react-query';
import { api, json } from '../api/client';
import type { SavedView, TicketFilter, ViewInput } from '../api/models';

export const viewKeys = { all: ['views'] as const };

/** The shared views and the caller's own, with the server's live counts. */
export const viewsQuery = queryOptions({
  queryKey: viewKeys.all,
  queryFn: async ({ signal }) => (await json(api.GET('/api/views', { signal }))).items,
  retry: false,
});

export const createView = (view: ViewInput) => json(api.POST('/api/views', { body: view }));

/** A view as the queue's list filter (GET /api/tickets takes statuses comma-separated). */
export function filterOf(view: SavedView): TicketFilter {
  const { statuses, ...rest } = view.filters;
  return { ...rest, ...(statuses ? { status: statuses.join(',') } : {}), ...(view.sort ? { sort: view.sort } : {}), ...(view.order ? { order: view.order } : {}) };
}
