import { useCallback, useEffect, useRef, useState } from 'react';
import type { Ticket } from '../api/types';
import { useLiveEvents } from '../notifications/LiveProvider';
import { listTickets, type TicketFilter } from './tickets.api';

export interface TicketListState {
  tickets: Ticket[] | undefined;
  error: Error | undefined;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => Promise<void>;
  reload: () => Promise<void>;
}

const LIVE_DEBOUNCE_MS = 250;

/**
 * A filtered ticket list that keeps itself current: any live ticket event reloads the pages
 * already shown (the server decides what matches the filter and what the caller may see).
 */
export function useTicketList(filter: TicketFilter): TicketListState {
  const key = JSON.stringify(filter);
  const [tickets, setTickets] = useState<Ticket[] | undefined>(undefined);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const shownCount = useRef(0);
  const timer = useRef<number | undefined>(undefined);

  const load = useCallback(
    async (limit: number, reset: boolean) => {
      const mine = ++generation.current;
      if (reset) {
        setTickets(undefined);
        setLoading(true);
      }
      try {
        const page = await listTickets({ ...(JSON.parse(key) as TicketFilter), limit });
        if (mine !== generation.current) return;
        setTickets(page.items);
        setCursor(page.nextCursor);
        shownCount.current = page.items.length;
        setError(undefined);
      } catch (caught) {
        if (mine === generation.current) setError(caught instanceof Error ? caught : new Error(String(caught)));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    void load(25, true);
    return () => window.clearTimeout(timer.current);
  }, [load]);

  // Reload as many rows as are shown (up to the API's page limit), so "load more" pages stay.
  const reload = useCallback(() => load(Math.min(Math.max(shownCount.current, 25), 100), false), [load]);

  useLiveEvents((event) => {
    if (event.type === 'notification') return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void reload(), LIVE_DEBOUNCE_MS);
  });

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    const mine = generation.current;
    try {
      const page = await listTickets({ ...(JSON.parse(key) as TicketFilter), cursor });
      if (mine !== generation.current) return;
      setTickets((current) => {
        const seen = new Set((current ?? []).map((ticket) => ticket.id));
        const merged = [...(current ?? []), ...page.items.filter((ticket) => !seen.has(ticket.id))];
        shownCount.current = merged.length;
        return merged;
      });
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  }, [cursor, key]);

  return { tickets, error, loading, hasMore: cursor !== null, loadMore, reload };
}
