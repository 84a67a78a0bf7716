import { useCallback, useEffect, useRef, useState } from 'react';
import type { Ticket, TicketEvent, TicketMessage } from '../api/types';
import { useLiveEvents } from '../notifications/LiveProvider';
import { getTicket, listEvents, listMessages } from './tickets.api';

export interface TicketView {
  ticket: Ticket;
  messages: TicketMessage[];
  events: TicketEvent[];
}

/** What changed between two loads of a ticket, to tell the person looking at it. */
export interface TicketNews {
  newMessages: TicketMessage[];
  changes: string[];
}

function newsBetween(before: TicketView, after: TicketView): TicketNews {
  const known = new Set(before.messages.map((message) => message.id));
  const changes: string[] = [];
  if (before.ticket.status !== after.ticket.status) changes.push('status');
  if (before.ticket.priority !== after.ticket.priority) changes.push('priority');
  if (before.ticket.assigneeId !== after.ticket.assigneeId) changes.push('assignee');
  return { newMessages: after.messages.filter((message) => !known.has(message.id)), changes };
}

interface Options {
  /** Called after a live reload that brought something the page did not have. */
  onNews: (news: TicketNews, view: TicketView) => void;
}

export function useTicket(id: string, { onNews }: Options) {
  const [view, setView] = useState<TicketView | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const viewRef = useRef<TicketView | undefined>(undefined);
  const generation = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  const onNewsRef = useRef(onNews);
  onNewsRef.current = onNews;

  const load = useCallback(
    async (live: boolean) => {
      const mine = ++generation.current;
      try {
        const [ticket, messages, events] = await Promise.all([getTicket(id), listMessages(id), listEvents(id)]);
        if (mine !== generation.current) return;
        const next: TicketView = { ticket, messages: messages.items, events: events.items };
        const before = viewRef.current;
        viewRef.current = next;
        setView(next);
        setError(undefined);
        if (live && before) {
          const news = newsBetween(before, next);
          if (news.newMessages.length || news.changes.length) onNewsRef.current(news, next);
        }
      } catch (caught) {
        if (mine === generation.current) setError(caught instanceof Error ? caught : new Error(String(caught)));
      }
    },
    [id],
  );

  useEffect(() => {
    viewRef.current = undefined;
    setView(undefined);
    setError(undefined);
    void load(false);
    return () => window.clearTimeout(timer.current);
  }, [load]);

  useLiveEvents((event) => {
    if (event.ticketId !== id || event.type === 'notification') return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void load(true), 150);
  });

  /** Puts the server's answer to our own change in place, so the live echo brings no "news". */
  const applyOwn = useCallback((change: Partial<TicketView>) => {
    const current = viewRef.current;
    if (!current) return;
    const next = { ...current, ...change };
    viewRef.current = next;
    setView(next);
  }, []);

  return { view, error, reload: () => load(false), applyOwn };
}
