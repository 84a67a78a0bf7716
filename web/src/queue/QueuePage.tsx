import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import type { TicketStatus } from '../api/models';
import { usePaged } from '../api/paging';
import { useQueryString } from '../app/search-params';
import { useAuth } from '../auth/AuthContext';
import { LiveIndicator } from '../notifications/LiveProvider';
import { SearchBox } from '../tickets/SearchBox';
import { teamsQuery } from '../teams/teams.api';
import { ticketListQuery } from '../tickets/tickets.api';
import { TicketTable, type Selection } from '../tickets/TicketTable';
import { BulkBar } from './BulkBar';
import { tagsQuery } from '../tags/tags.api';
import { filterOf, viewsQuery } from '../views/views.api';
import { SaveView } from '../views/SaveView';
import { ViewsNav } from '../views/ViewsNav';
import { PRIORITIES, PriorityOptions, StatusOptions } from '../ui/chips';
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

/** A day picked in the browser (YYYY-MM-DD) as the instant of its local midnight; `days` later for an end. */
function localMidnight(day: string | undefined, days = 0): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setDate(date.getDate() + days);
  return date.toISOString();
}

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
  const tag = search.get('tag') ?? undefined;
  // Whole local days, both included: the server's range is [createdFrom, createdTo).
  const fromDay = search.get('from') ?? undefined;
  const toDay = search.get('to') ?? undefined;
  const createdFrom = localMidnight(fromDay);
  const createdTo = localMidnight(toDay, 1);
  const created = { ...(createdFrom ? { createdFrom } : {}), ...(createdTo ? { createdTo } : {}) };
  const teamId = search.get('team') ?? undefined;
  const teams = useQuery(teamsQuery);
  const sortChoice = SORTS.find((candidate) => candidate.id === search.get('sort')) ?? SORTS[0];
  const status = statusChoice === ACTIVE ? ACTIVE_STATUSES.join(',') : statusChoice === 'any' ? undefined : statusChoice;
  // Search hits come newest first: the server takes no order with a search.
  const order = q ? {} : { sort: sortChoice.sort, order: sortChoice.order };
  const viewId = search.get('view') ?? undefined;
  const views = useQuery(viewsQuery);
  const view = views.data?.find((candidate) => candidate.id === viewId);
  const queueFilter = { assigneeId: tab.assigneeId, status, priority, requesterId, teamId, tag, ...created, q: q || undefined, ...order };
  // A saved view lists its own filters and order; the tabs and filters are the queue's.
  const list = usePaged(ticketListQuery(view ? filterOf(view) : queueFilter));
  const onSearch = useCallback((text: string) => update({ q: text }), [update]);
  // Tags are internal: the server lists them to holders of tickets.note only.
  const tags = useQuery({ ...tagsQuery('', 100), enabled: can('tickets.note') });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const selection: Selection = {
    selected,
    toggle: (id) =>
      setSelected((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    toggleAll: (ids) => setSelected((current) => (ids.every((id) => current.has(id)) ? new Set() : new Set(ids))),
  };
  const ticked = (list.items ?? []).filter((ticket) => selected.has(ticket.id));

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
      <ViewsNav current={viewId} />
      {view ? <h2>{view.name}</h2> : null}
      <div className="tabs" role="tablist" aria-label="Which tickets" hidden={view !== undefined}>
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
      <div className="toolbar" hidden={view !== undefined}>
        <label className="compact-field">
          <span>Status</span>
          <select value={statusChoice} onChange={(event) => update({ status: event.target.value === ACTIVE ? undefined : event.target.value })}>
            <option value={ACTIVE}>Active</option>
            <option value="any">Any status</option>
            <StatusOptions />
          </select>
        </label>
        <label className="compact-field">
          <span>Priority</span>
          <select value={priority ?? ''} onChange={(event) => update({ priority: event.target.value })}>
            <option value="">Any priority</option>
            <PriorityOptions />
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
        {can('tickets.note') ? (
          <label className="compact-field">
            <span>Tag</span>
            <select value={tag ?? ''} onChange={(event) => update({ tag: event.target.value })}>
              <option value="">Any tag</option>
              {tag && !tags.data?.some((known) => known.name === tag) ? <option value={tag}>{tag}</option> : null}
              {(tags.data ?? []).map((known) => (
                <option key={known.name} value={known.name}>
                  {`${known.name} (${known.count})`}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="compact-field">
          <span>Created from</span>
          <input type="date" value={fromDay ?? ''} max={toDay} onChange={(event) => update({ from: event.target.value })} />
        </label>
        <label className="compact-field">
          <span>to</span>
          <input type="date" value={toDay ?? ''} min={fromDay} onChange={(event) => update({ to: event.target.value })} />
        </label>
        <SearchBox value={q} onSearch={onSearch} label="Search tickets" />
        {q ? null : (
          <SaveView
            view={{
              filters: {
                ...(status ? { statuses: status.split(',') as TicketStatus[] } : {}),
                ...(priority ? { priority } : {}),
                ...(tab.assigneeId ? { assigneeId: tab.assigneeId } : {}),
                ...(requesterId ? { requesterId } : {}),
                ...(tag ? { tag } : {}),
                ...created,
              },
              sort: sortChoice.sort,
              order: sortChoice.order ?? null,
            }}
          />
        )}
      </div>
      <div id="queue-panel" role="tabpanel" aria-labelledby={`tab-${tab.id}`}>
        {list.loading ? <Loading label="Loading the queue…" /> : null}
        {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
        {list.items?.length === 0 ? <EmptyState title="No tickets here" /> : null}
        {list.items?.length ? <TicketTable tickets={list.items} staffColumns caption={`${tab.label} tickets`} selection={selection} /> : null}
        <LoadMore list={list} />
        {ticked.length > 0 ? <BulkBar tickets={ticked} onDone={() => setSelected(new Set())} /> : null}
      </div>
    </section>
  );
}
