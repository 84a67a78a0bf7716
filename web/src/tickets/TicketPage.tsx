import { useEffect, useState } from 'react';
import type { AssignableUser, Ticket } from '../api/types';
import { useAuth, useMe } from '../auth/AuthContext';
import { Link } from '../app/router';
import { SlaBadges } from '../queue/sla';
import { PRIORITY_LABELS, PriorityChip, STATUS_LABELS, StatusChip } from '../ui/chips';
import { ErrorBox, Loading, RelativeTime } from '../ui/feedback';
import { useToast } from '../ui/toast';
import { Conversation } from './Conversation';
import { nameBook } from './names';
import { ReplyBox } from './ReplyBox';
import { TicketActions } from './TicketActions';
import { TicketHistory } from './TicketHistory';
import { listAssignable } from './tickets.api';
import { useTicket, type TicketNews } from './useTicket';

function newsText(news: TicketNews, ticket: Ticket): string {
  const number = ticket.number;
  if (news.newMessages.some((message) => message.internal)) return `New internal note on #${number}`;
  if (news.newMessages.length) return `New reply on #${number}`;
  if (news.changes.includes('status')) return `#${number} is now ${STATUS_LABELS[ticket.status]}`;
  if (news.changes.includes('assignee')) return ticket.assignee ? `#${number} was assigned to ${ticket.assignee.name}` : `#${number} is unassigned now`;
  return `#${number} now has ${PRIORITY_LABELS[ticket.priority].toLowerCase()} priority`;
}

export function TicketPage({ id }: { id: string }) {
  const me = useMe();
  const { can } = useAuth();
  const toast = useToast();
  const [assignable, setAssignable] = useState<AssignableUser[] | undefined>(undefined);
  const { view, error, reload, applyOwn } = useTicket(id, {
    onNews: (news, fresh) => {
      // Only news from someone else: our own changes are applied before their echo arrives.
      const fromOthers = news.newMessages.filter((message) => message.authorId !== me.id);
      if (fromOthers.length || news.changes.length) toast.show(newsText({ ...news, newMessages: fromOthers }, fresh.ticket));
    },
  });
  const mayAssign = can('tickets.assign') || can('tickets.reassign');

  useEffect(() => {
    if (!mayAssign) return;
    listAssignable()
      .then((answer) => setAssignable(answer.items))
      .catch(() => setAssignable([]));
  }, [mayAssign]);

  useEffect(() => {
    if (view) document.title = `#${view.ticket.number} ${view.ticket.subject} · Helpline`;
  }, [view]);

  if (error) {
    return (
      <section className="page">
        <ErrorBox error={error} onRetry={() => void reload()} />
        <Link to="/">Back to the tickets</Link>
      </section>
    );
  }
  if (!view) return <Loading label="Loading the ticket…" />;

  const { ticket, messages, events } = view;
  const nameOf = nameBook(me, ticket, assignable);
  return (
    <article className="page ticket-page" aria-labelledby="ticket-title">
      <header className="ticket-head">
        <p className="breadcrumb">
          <Link to={can('tickets.read.all') ? '/queue' : '/tickets'}>{can('tickets.read.all') ? 'Queue' : 'My tickets'}</Link> / #{ticket.number}
        </p>
        <h1 id="ticket-title">{ticket.subject}</h1>
        <div className="chips">
          <StatusChip status={ticket.status} />
          <PriorityChip priority={ticket.priority} />
          {can('tickets.read.all') ? <SlaBadges ticket={ticket} /> : null}
        </div>
      </header>
      <div className="ticket-layout">
        <div className="ticket-main">
          <Conversation ticket={ticket} messages={messages} nameOf={nameOf} />
          {can('tickets.reply') || can('tickets.note') ? (
            ticket.status === 'closed' ? (
              <p className="muted">This ticket is closed. {ticket.requesterId === me.id ? 'Open a new ticket if you need more help.' : ''}</p>
            ) : (
              <ReplyBox
                ticketId={ticket.id}
                canNote={can('tickets.note')}
                onSent={(message) => {
                  applyOwn({ messages: [...messages, message] });
                  void reload();
                }}
              />
            )
          ) : null}
        </div>
        <aside className="ticket-side">
          <section className="card" aria-labelledby="details-title">
            <h2 id="details-title">Details</h2>
            <dl className="details">
              <dt>Requester</dt>
              <dd>{ticket.requester.name}</dd>
              <dt>Assignee</dt>
              <dd data-testid="assignee">{ticket.assignee?.name ?? 'Unassigned'}</dd>
              <dt>Opened</dt>
              <dd>
                <RelativeTime value={ticket.createdAt} />
              </dd>
              <dt>Updated</dt>
              <dd>
                <RelativeTime value={ticket.updatedAt} />
              </dd>
            </dl>
          </section>
          <TicketActions
            ticket={ticket}
            assignable={assignable}
            onChanged={(changed) => {
              applyOwn({ ticket: changed });
              void reload();
            }}
          />
          <TicketHistory events={events} nameOf={nameOf} />
        </aside>
      </div>
    </article>
  );
}
