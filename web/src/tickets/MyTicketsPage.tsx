import { useCallback } from 'react';
import { Link } from 'react-router';
import { usePaged } from '../api/paging';
import { useQueryString } from '../app/search-params';
import { useAuth, useMe } from '../auth/AuthContext';
import { STATUS_LABELS, STATUSES } from '../ui/chips';
import { EmptyState, ErrorBox, Loading, LoadMore } from '../ui/feedback';
import { SearchBox } from './SearchBox';
import { TicketTable } from './TicketTable';
import { ticketListQuery } from './tickets.api';

/** The customer portal's list: the caller's own tickets, by status, searchable. */
export function MyTicketsPage() {
  const me = useMe();
  const { can } = useAuth();
  const [search, update] = useQueryString();
  const status = search.get('status') ?? '';
  const q = search.get('q') ?? '';
  // Staff see every ticket, so "mine" needs the filter; customers only ever get their own.
  const requesterId = can('tickets.read.all') ? me.id : undefined;
  const list = usePaged(ticketListQuery({ requesterId, status: status || undefined, q: q || undefined }));
  const onSearch = useCallback((text: string) => update({ q: text }), [update]);

  return (
    <section className="page" aria-labelledby="my-tickets-title">
      <div className="page-head">
        <h1 id="my-tickets-title">My tickets</h1>
        {can('tickets.create') ? (
          <Link className="button primary" to="/tickets/new">
            New ticket
          </Link>
        ) : null}
      </div>
      <div className="toolbar">
        <div className="chip-filter" role="group" aria-label="Filter by status">
          <button type="button" className="chip-toggle" aria-pressed={status === ''} onClick={() => update({ status: undefined })}>
            All
          </button>
          {STATUSES.map((value) => (
            <button key={value} type="button" className={`chip-toggle status-${value}`} aria-pressed={status === value} onClick={() => update({ status: value })}>
              {STATUS_LABELS[value]}
            </button>
          ))}
        </div>
        <SearchBox value={q} onSearch={onSearch} label="Search my tickets" />
      </div>
      {list.loading ? <Loading label="Loading your tickets…" /> : null}
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {list.items?.length === 0 ? (
        <EmptyState title={q || status ? 'No ticket matches' : 'You have no tickets yet'}>
          {can('tickets.create') && !q && !status ? <Link to="/tickets/new">Ask us something</Link> : null}
        </EmptyState>
      ) : null}
      {list.items?.length ? <TicketTable tickets={list.items} staffColumns={false} caption="My tickets" /> : null}
      <LoadMore list={list} />
    </section>
  );
}
