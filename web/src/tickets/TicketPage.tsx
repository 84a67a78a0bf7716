import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import type { Ticket, TicketMessage } from '../api/models';
import type { StreamEvent } from '../api/stream';
import { useAuth, useMe } from '../auth/AuthContext';
import { refreshTicket, storeTicket } from './ticket-cache';
import { useLiveEvents } from '../notifications/LiveProvider';
import { SlaBadges } from '../queue/sla';
import { SatisfactionCard } from '../satisfaction/SatisfactionCard';
import { PRIORITY_LABELS, PriorityChip, STATUS_LABELS, StatusChip } from '../ui/chips';
import { ErrorBox, Loading, RelativeTime } from '../ui/feedback';
import { useToast } from '../ui/toast';
import { Conversation } from './Conversation';
import { nameBook } from './names';
import { ReplyBox } from './ReplyBox';
import { RequesterCard } from './RequesterCard';
import { TicketActions } from './TicketActions';
import { TicketTags } from '../tags/TicketTags';
import { PresenceBar } from '../presence/PresenceBar';
import { usePresence } from '../presence/usePresence';
import { TicketHistory } from './TicketHistory';
import { assignableQuery, eventsQuery, messagesQuery, ticketKeys, ticketQuery } from './tickets.api';

/** What a live event from someone else tells the person looking at the ticket; undefined for bookkeeping. */
function newsText(event: StreamEvent, ticket: Ticket): string | undefined {
  const number = ticket.number;
  const detail = typeof event.data.data === 'object' && event.data.data !== null ? (event.data.data as Record<string, unknown>) : {};
  switch (event.data.type) {
    case 'ticket.message':
      return detail.internal === true ? `New internal note on #${number}` : `New reply on #${number}`;
    case 'ticket.status_changed':
      return `#${number} is now ${STATUS_LABELS[ticket.status]}`;
    case 'ticket.assignee_changed':
      return ticket.assignee ? `#${number} was assigned to ${ticket.assignee.name}` : `#${number} is unassigned now`;
    case 'ticket.priority_changed':
      return `#${number} now has ${PRIORITY_LABELS[ticket.priority].toLowerCase()} priority`;
    default:
      return undefined;
  }
}

export function TicketPage({ id }: { id: string }) {
  const me = useMe();
  const { can } = useAuth();
  const toast = useToast();
  const client = useQueryClient();
  const ticket = useQuery(ticketQuery(id));
  const messages = useQuery(messagesQuery(id));
  const events = useQuery(eventsQuery(id));
  // The list of whom to assign to is for those who may assign at all (API.md); it also names people in the history.
  const assignable = useQuery({ ...assignableQuery, enabled: can('tickets.assign') || can('tickets.reassign') });
  // Staff see, and are seen by, the other staff on the ticket; customers take no part (the server refuses them).
  const presence = usePresence(id, can('tickets.read.all'));

  // The cache takes the event (live-cache.ts); here it becomes a toast, once the ticket is read again.
  useLiveEvents((event) => {
    if (event.ticketId !== id || event.type === 'notification' || event.type === 'ticket.created' || event.type === 'presence') return;
    if (event.data.actorId === me.id) return;
    void refreshTicket(client, id).then((fresh) => {
      const text = fresh ? newsText(event, fresh) : undefined;
      if (text) toast.show(text);
    });
  });

  useEffect(() => {
    if (ticket.data) document.title = `#${ticket.data.number} ${ticket.data.subject} · Helpline`;
  }, [ticket.data]);

  const error = ticket.error ?? messages.error ?? events.error;
  if (error) {
    return (
      <section className="page">
        <ErrorBox error={error} onRetry={() => void client.invalidateQueries({ queryKey: ticketKeys.one(id) })} />
        <Link to="/">Back to the tickets</Link>
      </section>
    );
  }
  if (!ticket.data || !messages.data || !events.data) return <Loading label="Loading the ticket…" />;

  const shown = ticket.data;
  const { abilities } = shown;
  const nameOf = nameBook(me, shown, assignable.data);
  const sent = (message: TicketMessage) => {
    client.setQueryData(ticketKeys.messages(id), (known: TicketMessage[] | undefined) =>
      known?.some((entry) => entry.id === message.id) ? known : [...(known ?? []), message],
    );
    void client.invalidateQueries({ queryKey: ticketKeys.events(id), exact: true });
    void refreshTicket(client, id);
  };
  const reloadMessages = () => client.query({ ...messagesQuery(id), staleTime: 0 });
  const changed = (fresh: Ticket) => {
    storeTicket(client, fresh);
    void client.invalidateQueries({ queryKey: ticketKeys.events(id), exact: true });
  };
  return (
    <article className="page ticket-page" aria-labelledby="ticket-title">
      <header className="ticket-head">
        <p className="breadcrumb">
          <Link to={can('tickets.read.all') ? '/queue' : '/tickets'}>{can('tickets.read.all') ? 'Queue' : 'My tickets'}</Link> / #{shown.number}
        </p>
        <h1 id="ticket-title">{shown.subject}</h1>
        <div className="chips">
          <StatusChip status={shown.status} />
          <PriorityChip priority={shown.priority} />
          {can('tickets.read.all') ? <SlaBadges ticket={shown} /> : null}
        </div>
        <PresenceBar others={presence.others} />
      </header>
      <div className="ticket-layout">
        <div className="ticket-main">
          <Conversation ticket={shown} messages={messages.data} nameOf={nameOf} />
          {abilities.reply || abilities.note ? (
            <ReplyBox ticket={shown} messages={messages.data} reloadMessages={reloadMessages} onSent={sent} onChanged={changed} onTyping={presence.typing} />
          ) : shown.status === 'closed' ? (
            <p className="muted">This ticket is closed. {shown.requesterId === me.id ? 'Open a new ticket if you need more help.' : ''}</p>
          ) : null}
        </div>
        <aside className="ticket-side">
          <section className="card" aria-labelledby="details-title">
            <h2 id="details-title">Details</h2>
            <dl className="details">
              <dt>Requester</dt>
              <dd>{shown.requester.name}</dd>
              <dt>Assignee</dt>
              <dd data-testid="assignee">{shown.assignee?.name ?? 'Unassigned'}</dd>
              {can('tickets.read.all') ? (
                <>
                  <dt>Team</dt>
                  <dd data-testid="team">{shown.team?.name ?? 'No team'}</dd>
                </>
              ) : null}
              <dt>Opened</dt>
              <dd>
                <RelativeTime value={shown.createdAt} />
              </dd>
              <dt>Updated</dt>
              <dd>
                <RelativeTime value={shown.updatedAt} />
              </dd>
            </dl>
          </section>
          <SatisfactionCard ticket={shown} />
          {can('tickets.read.all') ? <RequesterCard ticket={shown} /> : null}
          <TicketActions ticket={shown} assignable={assignable.data} />
          <TicketTags ticket={shown} />
          <TicketHistory events={events.data} nameOf={nameOf} />
        </aside>
      </div>
    </article>
  );
}
