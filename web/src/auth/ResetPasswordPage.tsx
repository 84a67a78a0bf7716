import { useState, type SubmitEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { FormError, TextField, useFormErrors } from '../ui/forms';
import { resetPassword } from './auth.api';

/** Opened from the link in the reset mail: /reset-password?token=… */
export function ResetPasswordPage() {
  const token = useSearchParams()[0].get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const mismatch = confirm !== '' && confirm !== password ? 'The two passwords differ' : undefined;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (mismatch) return;
    clear();
    setBusy(true);
    try {
      await resetPassword(token, password);
      setDone(true);
    } catch (caught) {
      show(caught, ['password']);
    } finally {
      setBusy(false);
    }
  };

  if (!token) {
    return (
      <section className="auth-card" aria-labelledby="reset-title">
        <h1 id="reset-title">Choose a new password</h1>
        <p role="alert">This link is incomplete. Open the link from the email again, or ask for a new one.</p>
        <p className="auth-links">
          <Link to="/forgot-password">Send a new link</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="auth-card" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      {done ? (
        <p role="status">
          Your password has been changed and you have been signed out everywhere. <Link to="/login">Sign in</Link> with the new one.
        </p>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            hint="At least 8 characters."
            value={password}
            error={errors.fields.password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <TextField label="Repeat the new password" type="password" autoComplete="new-password" required value={confirm} error={mismatch} onChange={(e) => setConfirm(e.target.value)} />
          <FormError message={errors.form} />
          <button type="submit" className="button primary" disabled={busy || Boolean(mismatch)}>
            Change password
          </button>
        </form>
      )}
      {done ? null : (
        <p className="auth-links">
          <Link to="/forgot-password">Send a new link</Link>
        </p>
      )}
    </section>
  );
}
