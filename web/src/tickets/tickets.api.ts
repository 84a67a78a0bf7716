import { api } from '../api/client';
import type { AssignableUser, Page, Priority, Ticket, TicketEvent, TicketMessage, TicketStatus } from '../api/types';

export interface TicketFilter {
  status?: string | undefined;
  priority?: string | undefined;
  assigneeId?: string | undefined;
  requesterId?: string | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit?: number;
}

export const listTickets = (filter: TicketFilter) => api.get<Page<Ticket>>('/api/tickets', { ...filter });

export const getTicket = (id: string) => api.get<Ticket>(`/api/tickets/${encodeURIComponent(id)}`);

export interface NewTicket {
  subject: string;
  description: string;
  priority?: Priority;
}

export const createTicket = (ticket: NewTicket) => api.post<Ticket>('/api/tickets', ticket);

export interface TicketChange {
  status?: TicketStatus;
  priority?: Priority;
  assigneeId?: string | null;
}

export const updateTicket = (id: string, change: TicketChange) => api.patch<Ticket>(`/api/tickets/${encodeURIComponent(id)}`, change);

export const listMessages = (id: string) => api.get<{ items: TicketMessage[] }>(`/api/tickets/${encodeURIComponent(id)}/messages`);

export const addMessage = (id: string, body: string, internal: boolean) =>
  api.post<TicketMessage>(`/api/tickets/${encodeURIComponent(id)}/messages`, internal ? { body, internal } : { body });

export const listEvents = (id: string) => api.get<{ items: TicketEvent[] }>(`/api/tickets/${encodeURIComponent(id)}/events`);

export const listAssignable = () => api.get<{ items: AssignableUser[] }>('/api/users/assignable');
