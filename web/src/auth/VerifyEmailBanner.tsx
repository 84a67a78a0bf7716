import { useState } from 'react';
import { ApiError } from '../api/errors';
import { useAuth, useMe } from './AuthContext';
import { resendVerificationEmail } from './auth.api';

/**
 * Until the address is confirmed the desk mails nothing but the confirmation link, so the
 * user is told why no mail comes and can ask for the link again. The portal works meanwhile.
 */
export function VerifyEmailBanner() {
  const me = useMe();
  const { reloadMe } = useAuth();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();

  if (me.emailVerified) return null;

  const resend = async () => {
    setBusy(true);
    try {
      await resendVerificationEmail();
      setMessage(`We sent a new link to ${me.email}.`);
    } catch (caught) {
      // Confirmed meanwhile (another tab, another device): the banner goes away.
      if (caught instanceof ApiError && caught.code === 'email_already_verified') await reloadMe();
      else setMessage(caught instanceof Error ? caught.message : 'Something went wrong');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="verify-banner" role="region" aria-label="Confirm your email address">
      <p>
        <strong>Confirm your email address.</strong> We sent a link to {me.email}. Until you follow it, we send you no email
        about your tickets; you can use Helpline as usual.
      </p>
      <button type="button" className="button secondary small" disabled={busy} onClick={() => void resend()}>
        Send the link again
      </button>
      {message ? (
        <p className="verify-banner-message" role="status">
          {message}
        </p>
      ) : null}
    </div>
  );
}
