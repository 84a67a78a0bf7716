import { useState, type SubmitEvent } from 'react';
import { Link } from 'react-router';
import { FormError, TextField, useFormErrors } from '../ui/forms';
import { useAuth } from './AuthContext';
import { register } from './auth.api';

export function RegisterPage() {
  const { signIn } = useAuth();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      await signIn(await register(form.email, form.name, form.password));
    } catch (caught) {
      show(caught, ['name', 'email', 'password']);
    } finally {
      setBusy(false);
    }
  };

  const set = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  return (
    <section className="auth-card" aria-labelledby="register-title">
      <h1 id="register-title">Create an account</h1>
      <form onSubmit={(event) => void submit(event)}>
        <TextField label="Name" name="name" autoComplete="name" required value={form.name} error={errors.fields.name} onChange={set('name')} />
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={form.email} error={errors.fields.email} onChange={set('email')} />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters."
          value={form.password}
          error={errors.fields.password}
          onChange={set('password')}
        />
        <FormError message={errors.form} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="auth-links">
        <span>
          Already have an account? <Link to="/login">Sign in</Link>
        </span>
      </p>
    </section>
  );
}
