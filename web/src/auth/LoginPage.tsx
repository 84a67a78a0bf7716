import { useState, type SubmitEvent } from 'react';
import { Link } from 'react-router';
import { FormError, TextField, useFormErrors } from '../ui/forms';
import { useAuth } from './AuthContext';
import { login } from './auth.api';

export function LoginPage() {
  const { signIn } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      // Signed in, the public layout sends the visitor on to the page they were headed for.
      await signIn(await login(email, password));
    } catch (caught) {
      show(caught, ['email', 'password']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <form onSubmit={(event) => void submit(event)}>
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} error={errors.fields.email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          error={errors.fields.password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <FormError message={errors.form} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-links">
        <Link to="/forgot-password">Forgot your password?</Link>
        <span>
          New here? <Link to="/register">Create an account</Link>
        </span>
      </p>
    </section>
  );
}
