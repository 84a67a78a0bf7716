import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useAuth } from './AuthContext';
import { verifyEmail } from './auth.api';

type Outcome = { state: 'checking' } | { state: 'verified' } | { state: 'failed'; message: string };

/** Opened from the link in the verification mail: /verify-email?token=… (signed in or not). */
export function VerifyEmailPage() {
  const token = useSearchParams()[0].get('token') ?? '';
  const { status, reloadMe } = useAuth();
  const [outcome, setOutcome] = useState<Outcome>({ state: 'checking' });
  // The token is single use: React's development double effect must not spend it twice.
  const sent = useRef(false);

  useEffect(() => {
    document.title = 'Confirm your email address · Helpline';
    if (!token || sent.current) return;
    sent.current = true;
    verifyEmail(token)
      .then(() => setOutcome({ state: 'verified' }))
      .catch((caught: unknown) => setOutcome({ state: 'failed', message: caught instanceof Error ? caught.message : 'Something went wrong' }));
  }, [token]);

  // Signed in here (now or once the stored session is loaded): the banner learns the news.
  const verified = outcome.state === 'verified';
  useEffect(() => {
    if (verified && status === 'signed-in') void reloadMe();
  }, [verified, status, reloadMe]);

  const onward = status === 'signed-in' ? <Link to="/">Go to your tickets</Link> : <Link to="/login">Sign in</Link>;

  return (
    <section className="auth-card" aria-labelledby="verify-title">
      <h1 id="verify-title">Confirm your email address</h1>
      {!token ? (
        <p role="alert">This link is incomplete. Open the link from the email again.</p>
      ) : outcome.state === 'checking' ? (
        <p role="status">Checking the link…</p>
      ) : outcome.state === 'verified' ? (
        <p role="status">Your email address is confirmed. We will now email you about your tickets.</p>
      ) : (
        <p role="alert">
          {outcome.message}. If your address is not confirmed yet, sign in and ask for a new link from the banner at the top of the page.
        </p>
      )}
      <p className="auth-links">{onward}</p>
    </section>
  );
}
