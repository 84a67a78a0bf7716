import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Rating, SatisfactionByLink } from '../api/models';
import { RatingForm, RATING_LABELS } from './RatingForm';
import { rateByLink, ratingByLink } from './satisfaction.api';

const isRating = (value: string | null): value is Rating => value === 'good' || value === 'bad';

/**
 * Opened from the satisfaction mail: /satisfaction?token=…&rating=good|bad. The click is
 * the answer (recorded on arrival); the page then offers a comment or a change of mind.
 */
export function SatisfactionLinkPage() {
  const [search] = useSearchParams();
  const token = search.get('token') ?? '';
  const clicked = search.get('rating');
  const [state, setState] = useState<SatisfactionByLink | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const sent = useRef(false);

  useEffect(() => {
    document.title = 'How did we do? · Helpline';
    if (!token || sent.current) return;
    sent.current = true;
    const load = isRating(clicked) ? rateByLink(token, clicked, '') : ratingByLink(token);
    load.then(setState).catch((caught: unknown) => setProblem(caught instanceof Error ? caught.message : 'Something went wrong'));
  }, [token, clicked]);

  return (
    <section className="auth-card" aria-labelledby="satisfaction-title">
      <h1 id="satisfaction-title">How did we do?</h1>
      {!token ? <p role="alert">This link is incomplete. Open the link from the email again.</p> : null}
      {problem ? <p role="alert">{problem}</p> : null}
      {state ? (
        <>
          <p>
            Ticket #{state.ticketNumber}: {state.subject}
          </p>
          {state.rating ? (
            <p role="status">
              Thank you! Your answer: <strong>{RATING_LABELS[state.rating]}</strong>
            </p>
          ) : null}
          {state.open ? (
            <RatingForm rating={state.rating} comment={state.comment} onRate={async (choice, comment) => setState(await rateByLink(token, choice, comment))} />
          ) : (
            <p className="muted">This ticket can no longer be rated.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
