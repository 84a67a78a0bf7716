import { useState, type SubmitEvent } from 'react';
import { Link } from 'react-router';
import { FormError, TextField, useFormErrors } from '../ui/forms';
import { forgotPassword } from './auth.api';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      await forgotPassword(email);
      setSent(true);
    } catch (caught) {
      show(caught, ['email']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="auth-card" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      {sent ? (
        <p role="status">If an account exists for {email}, we have sent it a link to choose a new password. The link works for one hour.</p>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} error={errors.fields.email} onChange={(e) => setEmail(e.target.value)} />
          <FormError message={errors.form} />
          <button type="submit" className="button primary" disabled={busy}>
            Send reset link
          </button>
        </form>
      )}
      <p className="auth-links">
        <Link to="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
