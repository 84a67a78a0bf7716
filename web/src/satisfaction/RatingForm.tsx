import { useState } from 'react';
import type { Rating } from '../api/models';
import { TextAreaField } from '../ui/forms';

export const RATING_LABELS: Record<Rating, string> = { good: 'Good, I was helped', bad: 'Bad, I was not helped' };

/** Good or bad, with an optional comment; the portal card and the mailed link's page both use it. */
export function RatingForm({ rating, comment, onRate }: { rating: Rating | null; comment: string | null; onRate: (rating: Rating, comment: string) => Promise<void> }) {
  const [text, setText] = useState(comment ?? '');
  const [busy, setBusy] = useState(false);
  const rate = async (choice: Rating) => {
    setBusy(true);
    try {
      await onRate(choice, text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="rating-form">
      <div className="inline-controls" role="group" aria-label="Your rating">
        {(['good', 'bad'] as const).map((choice) => (
          <button key={choice} type="button" className={rating === choice ? 'button primary' : 'button secondary'} aria-pressed={rating === choice} disabled={busy} onClick={() => void rate(choice)}>
            {RATING_LABELS[choice]}
          </button>
        ))}
      </div>
      <TextAreaField label="Comment (optional)" rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
      {rating ? (
        <button type="button" className="button secondary small" disabled={busy} onClick={() => void rate(rating)}>
          Save comment
        </button>
      ) : null}
    </div>
  );
}
