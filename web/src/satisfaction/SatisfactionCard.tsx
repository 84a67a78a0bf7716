import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Ticket } from '../api/models';
import { useMe } from '../auth/AuthContext';
import { RatingForm, RATING_LABELS } from './RatingForm';
import { rateTicket, satisfactionKey, satisfactionQuery } from './satisfaction.api';

/** On a resolved ticket: its requester rates it (while the request is open); staff see the answer. */
export function SatisfactionCard({ ticket }: { ticket: Ticket }) {
  const me = useMe();
  const client = useQueryClient();
  const rating = useQuery({ ...satisfactionQuery(ticket.id), enabled: ticket.resolvedAt !== null || ticket.status === 'closed' });
  if (!rating.data) return null;
  const { data } = rating;
  const mine = ticket.requesterId === me.id;
  return (
    <section className="card" aria-labelledby="satisfaction-title" data-testid="satisfaction">
      <h2 id="satisfaction-title">{mine ? 'How did we do?' : 'Customer satisfaction'}</h2>
      {mine && data.open ? (
        <RatingForm
          rating={data.rating}
          comment={data.comment}
          onRate={async (choice, comment) => {
            client.setQueryData(satisfactionKey(ticket.id), await rateTicket(ticket.id, choice, comment));
          }}
        />
      ) : data.rating ? (
        <p>
          <strong>{RATING_LABELS[data.rating]}</strong>
          {data.comment ? <span className="quote"> “{data.comment}”</span> : null}
        </p>
      ) : (
        <p className="muted">{data.open ? 'Asked, not answered yet.' : 'Not answered.'}</p>
      )}
    </section>
  );
}
