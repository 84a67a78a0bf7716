import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { Link } from 'react-router';
import { useLiveEvents } from '../notifications/LiveProvider';
import { ticketKeys } from '../tickets/tickets.api';
import { viewKeys, viewsQuery } from './views.api';

/** Counts follow the stream, re-read at most this often while tickets keep changing. */
const RECOUNT_MS = 1000;

/** The saved views as links with their counts, which the live stream keeps fresh. */
export function ViewsNav({ current }: { current: string | undefined }) {
  const client = useQueryClient();
  const views = useQuery(viewsQuery);
  const pending = useRef<number | undefined>(undefined);
  useLiveEvents((event) => {
    if (event.type === 'notification' || event.type === 'presence' || pending.current !== undefined) return;
    pending.current = window.setTimeout(() => {
      pending.current = undefined;
      void client.invalidateQueries({ queryKey: viewKeys.all });
    }, RECOUNT_MS);
  });
  if (!views.data || views.data.length === 0) return null;
  return (
    <nav className="views-nav" aria-label="Views">
      <Link to="/queue" className="chip-toggle" aria-current={current === undefined ? 'page' : undefined}>
        Queue
      </Link>
      {views.data.map((view) => (
        <Link
          key={view.id}
          to={`/queue?view=${view.id}`}
          className="chip-toggle"
          aria-current={view.id === current ? 'page' : undefined}
          data-view={view.name}
          // Rows changed live stay until their list loads again: opening a view lists what matches now.
          onClick={() => void client.invalidateQueries({ queryKey: ticketKeys.lists })}
        >
          {view.name} <span className="view-count">{view.count === null ? '–' : view.count >= 1000 ? '1000+' : view.count}</span>
        </Link>
      ))}
    </nav>
  );
}
