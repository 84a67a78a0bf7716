import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { AppNotification } from '../api/models';
import { EmptyState, Loading } from '../ui/feedback';
import { notificationTicketsQuery } from './notifications.api';

/** Inside the bell's panel: the tickets a grouped notification is about, each a link. */
export function GroupTickets({ notification, onBack, onOpen }: { notification: AppNotification; onBack: () => void; onOpen: () => void }) {
  const tickets = useQuery(notificationTicketsQuery(notification.id));
  return (
    <div className="bell-group" aria-label={notification.title} role="group">
      <button type="button" className="link-button" onClick={onBack}>
        ← All notifications
      </button>
      <p className="bell-title">{notification.title}</p>
      {tickets.isPending ? <Loading /> : null}
      {tickets.data?.length === 0 ? <EmptyState title="None of these tickets is yours to see any more" /> : null}
      <ul>
        {(tickets.data ?? []).map((ticket) => (
          <li key={ticket.id}>
            <Link to={`/tickets/${ticket.id}`} onClick={onOpen}>
              #{ticket.number} {ticket.subject}
            </Link>
          </li>
        ))}
      </ul>
      {notification.count > 100 && tickets.data?.length === 100 ? <p className="field-hint">The first 100 are listed.</p> : null}
    </div>
  );
}
