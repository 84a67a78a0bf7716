import { queryOptions } from '@tanstack/react-query';
import { api, json } from '../api/client';
import type { Rating } from '../api/models';

export const satisfactionKey = (ticketId: string) => ['ticket', ticketId, 'satisfaction'] as const;

/** Null while the ticket has no satisfaction request (it was never resolved). */
export const satisfactionQuery = (ticketId: string) =>
  queryOptions({
    queryKey: satisfactionKey(ticketId),
    queryFn: async ({ signal }) => {
      const answer = await api.GET('/api/tickets/{id}/satisfaction', { params: { path: { id: ticketId } }, signal });
      if (answer.response.status === 404) return null;
      return json(Promise.resolve(answer));
    },
  });

export const rateTicket = (ticketId: string, rating: Rating, comment: string) =>
  json(api.PUT('/api/tickets/{id}/satisfaction', { params: { path: { id: ticketId } }, body: { rating, ...(comment.trim() ? { comment } : {}) } }));

export const ratingByLink = (token: string) => json(api.GET('/api/satisfaction', { params: { query: { token } } }));
export const rateByLink = (token: string, rating: Rating, comment: string) =>
  json(api.POST('/api/satisfaction', { body: { token, rating, ...(comment.trim() ? { comment } : {}) } }));
