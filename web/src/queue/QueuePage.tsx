import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Link } from 'react-router';
import type { TicketStatus } from '../api/models';
import { usePaged } from '../api/paging';
import { useQueryString } from '../app/search-params';
import { useAuth } from '../auth/AuthContext';
import { LiveIndicator } from '../notifications/LiveProvider';
import { SearchBox } from '../tickets/SearchBox';
import { teamsQuery } from '../teams/teams.api';
import { ticketListQuery } from '../tickets/tickets.api';
import { TicketTable } from '../tickets/TicketTable';
import { PRIORITIES, PRIORITY_LABELS, STATUS_LABELS, STATUSES } from '../ui/chips';
import { EmptyState, ErrorBox, Loading, LoadMore } from '../ui/feedback';

const TABS = [
  { id: 'unassigned', label: 'Unassigned', assigneeId: 'none' },
  { id: 'mine', label: 'Mine', assigneeId: 'me' },
  { id: 'all', label: 'All', assigneeId: undefined },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** Orders an agent picks from; the first, missed SLA targets and urgent tickets first, is the default. */
const SORTS = [
  { id: 'attention', label: 'Needs attention', sort: 'attention', order: undefined },
  { id: 'due', label: 'Due soonest', sort: 'due', order: undefined },
  { id: 'priority', label: 'Priority', sort: 'priority', order: undefined },
  { id: 'updated', label: 'Recently updated', sort: 'updated', order: undefined },
  { id: 'newest', label: 'Newest', sort: 'created', order: undefined },
  { id: 'oldest', label: 'Oldest', sort: 'created', order: 'asc' },
] as const;

const ACTIVE = 'active';
/** Statuses a ticket is still being worked in: the queue's default view. */
const ACTIVE_STATUSES: TicketStatus[] = ['open', 'in_progress', 'waiting_on_customer', 'escalated'];

/** The agent workspace's queue: tabs by assignee, filters, search; rows update live. */
export function QueuePage() {
  const { can } = useAuth();
  const [search, update] = useQueryString();
  const tabId = (search.get('tab') ?? 'unassigned') as TabId;
  const tab = TABS.find((candidate) => candidate.id === tabId) ?? TABS[0];
  const statusChoice = search.get('status') ?? ACTIVE;
  const priority = PRIORITIES.find((value) => value === search.get('priority'));
  const q = search.get('q') ?? '';
  const requesterId = search.get('requesterId') ?? undefined;
  const teamId = search.get('team') ?? undefined;
  const teams = useQuery(teamsQuery);
  const sortChoice = SORTS.find((candidate) => candidate.id === search.get('sort')) ?? SORTS[0];
  const status = statusChoice === ACTIVE ? ACTIVE_STATUSES.join(',') : statusChoice === 'any' ? undefined : statusChoice;
  // Search hits come newest first: the server takes no order with a search.
  const order = q ? {} : { sort: sortChoice.sort, order: sortChoice.order };
  const list = usePaged(ticketListQuery({ assigneeId: tab.assigneeId, status, priority, requesterId, teamId, q: q || undefined, ...order }));
  const onSearch = useCallback((text: string) => update({ q: text }), [update]);

  return (
    <section className="page" aria-labelledby="queue-title">
      <div className="page-head">
        <h1 id="queue-title">Queue</h1>
        <LiveIndicator />
        {can('tickets.create') ? (
          <Link className="button secondary" to="/tickets/new">
            New ticket
          </Link>
        ) : null}
      </div>
      <div className="tabs" role="tablist" aria-label="Which tickets">
        {TABS.map((candidate) => (
          <button
            key={candidate.id}
            type="button"
            role="tab"
            id={`tab-${candidate.id}`}
            aria-selected={candidate.id === tab.id}
            aria-controls="queue-panel"
            tabIndex={candidate.id === tab.id ? 0 : -1}
            onClick={() => update({ tab: candidate.id })}
            onKeyDown={(event) => {
              if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
              const index = TABS.indexOf(candidate);
              const next = TABS[(index + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length] ?? candidate;
              update({ tab: next.id });
              document.getElementById(`tab-${next.id}`)?.focus();
            }}
          >
            {candidate.label}
          </button>
        ))}
      </div>
      <div className="toolbar">
        <label className="compact-field">
          <span>Status</span>
          <select value={statusChoice} onChange={(event) => update({ status: event.target.value === ACTIVE ? undefined : event.target.value })}>
            <option value={ACTIVE}>Active</option>
            <option value="any">Any status</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {STATUS_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
        <label className="compact-field">
          <span>Priority</span>
          <select value={priority ?? ''} onChange={(event) => update({ priority: event.target.value })}>
            <option value="">Any priority</option>
            {PRIORITIES.map((value) => (
              <option key={value} value={value}>
                {PRIORITY_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
        <label className="compact-field">
          <span>Team</span>
          <select value={teamId ?? ''} onChange={(event) => update({ team: event.target.value })}>
            <option value="">Any team</option>
            <option value="mine">My teams</option>
            <option value="none">No team</option>
            {teams.data?.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <label className="compact-field">
          <span>Sort</span>
          <select
            value={q ? 'newest' : sortChoice.id}
            disabled={Boolean(q)}
            title={q ? 'Search results are listed newest first' : undefined}
            onChange={(event) => update({ sort: event.target.value === SORTS[0].id ? undefined : event.target.value })}
          >
            {SORTS.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.label}
              </option>
            ))}
          </select>
        </label>
        <SearchBox value={q} onSearch={onSearch} label="Search tickets" />
      </div>
      <div id="queue-panel" role="tabpanel" aria-labelledby={`tab-${tab.id}`}>
        {list.loading ? <Loading label="Loading the queue…" /> : null}
        {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
        {list.items?.length === 0 ? <EmptyState title="No tickets here" /> : null}
        {list.items?.length ? <TicketTable tickets={list.items} staffColumns caption={`${tab.label} tickets`} /> : null}
        <LoadMore list={list} />
      </div>
    </section>
  );
}
