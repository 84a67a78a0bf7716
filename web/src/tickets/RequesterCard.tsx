import { Link } from 'react-router';
import type { Ticket } from '../api/models';
import { usePaged } from '../api/paging';
import { StatusChip } from '../ui/chips';
import { RelativeTime } from '../ui/feedback';
import { ticketListQuery } from './tickets.api';

const OTHERS_SHOWN = 5;

/**
 * Who asked, and what else they asked lately, so an agent sees a pattern (the third report of
 * one fault, a customer already waiting elsewhere) without leaving the ticket. For staff who
 * read every ticket; the list is the queue's own, kept fresh by the live stream.
 */
export function RequesterCard({ ticket }: { ticket: Ticket }) {
  const list = usePaged(ticketListQuery({ requesterId: ticket.requester.id, sort: 'updated' }));
  const others = list.items?.filter((other) => other.id !== ticket.id).slice(0, OTHERS_SHOWN);
  return (
    <section className="card requester-card" aria-labelledby="requester-title">
      <h2 id="requester-title">{ticket.requester.name}</h2>
      <h3 className="card-subtitle">Other tickets</h3>
      {list.error ? <p className="muted">Their other tickets could not be loaded.</p> : null}
      {others?.length === 0 ? <p className="muted">None: this is their only ticket.</p> : null}
      {others?.length ? (
        <ul className="plain-list" aria-label={`Other tickets of ${ticket.requester.name}`}>
          {others.map((other) => (
            <li key={other.id}>
              <Link to={`/tickets/${other.id}`}>
                #{other.number} {other.subject}
              </Link>{' '}
              <StatusChip status={other.status} /> <RelativeTime value={other.updatedAt} />
            </li>
          ))}
        </ul>
      ) : null}
      {others?.length ? (
        <Link to={`/queue?tab=all&status=any&requesterId=${ticket.requester.id}`}>All their tickets</Link>
      ) : null}
    </section>
  );
}
