import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { Link } from 'react-router';
import { FormError, TextField, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { useAuth, useMe } from './AuthContext';
import { changePassword, forgotPassword, ownUserQuery, updateMyName } from './auth.api';

/** Current and new password; the server checks both and ends the user's other sessions. */
function ChangePasswordForm() {
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const mismatch = repeat !== '' && repeat !== next ? 'The two passwords differ' : undefined;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (mismatch) return;
    clear();
    setBusy(true);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      toast.show('Password changed. You stay signed in here; every other device was signed out.');
    } catch (caught) {
      show(caught, ['currentPassword', 'newPassword']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="change-password-title">
      <h2 id="change-password-title">Change your password</h2>
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        error={errors.fields.currentPassword}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters, not a common one."
        value={next}
        error={errors.fields.newPassword}
        onChange={(e) => setNext(e.target.value)}
      />
      <TextField label="Repeat the new password" type="password" autoComplete="new-password" required value={repeat} error={mismatch} onChange={(e) => setRepeat(e.target.value)} />
      <FormError message={errors.form} />
      <button type="submit" className="button primary" disabled={busy || Boolean(mismatch)}>
        Change password
      </button>
    </form>
  );
}

export function ProfilePage() {
  const me = useMe();
  const { reloadMe } = useAuth();
  const client = useQueryClient();
  const self = useQuery(ownUserQuery(me.id));
  const toast = useToast();
  const [name, setName] = useState(me.name);
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();

  // The server says whether the caller may edit their own record; others see their details.
  const canEdit = self.data?.abilities.edit ?? false;

  const saveName = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      client.setQueryData(ownUserQuery(me.id).queryKey, await updateMyName(me.id, name));
      await reloadMe();
      toast.show('Name saved');
    } catch (caught) {
      show(caught, ['name']);
    } finally {
      setBusy(false);
    }
  };

  const sendReset = async () => {
    try {
      await forgotPassword(me.email);
      toast.show(`We sent a password reset link to ${me.email}`);
    } catch (caught) {
      show(caught);
    }
  };

  return (
    <section className="page narrow" aria-labelledby="profile-title">
      <h1 id="profile-title">Your profile</h1>
      <dl className="details">
        <dt>Name</dt>
        <dd>{me.name}</dd>
        <dt>Email</dt>
        <dd>
          {me.email} {me.emailVerified ? <span className="muted">(confirmed)</span> : <span className="muted">(not confirmed yet)</span>}
        </dd>
        <dt>Role</dt>
        <dd className="capitalize">{me.role}</dd>
        <dt>Member since</dt>
        <dd>{new Date(me.createdAt).toLocaleDateString()}</dd>
      </dl>
      {canEdit ? (
        <form className="card" onSubmit={(event) => void saveName(event)}>
          <h2>Change your name</h2>
          <TextField label="Name" required value={name} error={errors.fields.name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="button primary" disabled={busy || name === me.name}>
            Save
          </button>
        </form>
      ) : null}
      <ChangePasswordForm />
      <div className="card">
        <h2>Forgot your password?</h2>
        <p>We will email you a link to choose a new password.</p>
        <button type="button" className="button secondary" onClick={() => void sendReset()}>
          Email me a reset link
        </button>
      </div>
      <FormError message={errors.form} />
      <div className="card">
        <h2>Notifications</h2>
        <p>
          <Link to="/settings/notifications">Choose which emails and notifications you get</Link>
        </p>
      </div>
      <details className="card">
        <summary>What you can do here</summary>
        <ul className="permission-list">
          {me.permissions.map((permission) => (
            <li key={permission}>
              <code>{permission}</code>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
