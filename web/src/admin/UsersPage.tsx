import { useCallback, useState, type SubmitEvent } from 'react';
import { ROLES, type Role, type User } from '../api/types';
import { useMe } from '../auth/AuthContext';
import { useLocation, useSearchParamsUpdater } from '../app/router';
import { SearchBox } from '../tickets/SearchBox';
import { EmptyState, ErrorBox, Loading, RelativeTime } from '../ui/feedback';
import { FormError, SelectField, TextField, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { useAsync } from '../ui/useAsync';
import { createUser, listUsers, updateUser } from './admin.api';

const STAFF_ROLES: Role[] = ['agent', 'manager'];

function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const [form, setForm] = useState({ name: '', email: '', role: 'agent' as Role, password: '' });
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      onCreated(await createUser(form));
      setForm({ name: '', email: '', role: 'agent', password: '' });
    } catch (caught) {
      show(caught, ['name', 'email', 'role', 'password']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card grid-form" onSubmit={(event) => void submit(event)} aria-labelledby="new-user-title">
      <h2 id="new-user-title">Add a team member</h2>
      <TextField label="Name" required value={form.name} error={errors.fields.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      <TextField label="Email" type="email" required value={form.email} error={errors.fields.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
      <SelectField label="Role" value={form.role} error={errors.fields.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
        {STAFF_ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Initial password"
        type="password"
        autoComplete="new-password"
        required
        hint="They are emailed and can change it."
        value={form.password}
        error={errors.fields.password}
        onChange={(e) => setForm({ ...form, password: e.target.value })}
      />
      <FormError message={errors.form} />
      <button type="submit" className="button primary" disabled={busy}>
        Add user
      </button>
    </form>
  );
}

function UserRow({ user, isMe, onChanged, onError }: { user: User; isMe: boolean; onChanged: (user: User) => void; onError: (error: unknown) => void }) {
  const [busy, setBusy] = useState(false);
  const [role, setRole] = useState<Role>(user.role);
  const change = async (body: { role?: Role; active?: boolean }) => {
    setBusy(true);
    try {
      onChanged(await updateUser(user.id, body));
    } catch (caught) {
      setRole(user.role);
      onError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr className={user.active ? undefined : 'inactive'}>
      <td>
        {user.name}
        {isMe ? <span className="muted"> (you)</span> : null}
      </td>
      <td data-label="Email">{user.email}</td>
      <td data-label="Role">
        <label className="visually-hidden" htmlFor={`role-${user.id}`}>
          Role of {user.name}
        </label>
        <span className="inline-controls">
          <select id={`role-${user.id}`} value={role} disabled={busy} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
          {role !== user.role ? (
            <button type="button" className="button primary small" disabled={busy} onClick={() => void change({ role })}>
              Save role
            </button>
          ) : null}
        </span>
      </td>
      <td data-label="Status">{user.active ? 'Active' : 'Deactivated'}</td>
      <td data-label="Joined">
        <RelativeTime value={user.createdAt} />
      </td>
      <td>
        <button type="button" className="button secondary small" disabled={busy} onClick={() => void change({ active: !user.active })}>
          {user.active ? 'Deactivate' : 'Reactivate'}
        </button>
      </td>
    </tr>
  );
}

export function UsersPage() {
  const me = useMe();
  const toast = useToast();
  const { search } = useLocation();
  const update = useSearchParamsUpdater();
  const role = search.get('role') ?? '';
  const q = search.get('q') ?? '';
  const [rowError, setRowError] = useState<string | undefined>(undefined);
  const users = useAsync(() => listUsers({ ...(role ? { role } : {}), ...(q ? { q } : {}) }), `${role}|${q}`);
  const onSearch = useCallback((text: string) => update({ q: text }), [update]);

  const replace = (changed: User) => {
    setRowError(undefined);
    if (users.data) users.setData({ ...users.data, items: users.data.items.map((user) => (user.id === changed.id ? changed : user)) });
  };

  const loadMore = async () => {
    if (!users.data?.nextCursor) return;
    const next = await listUsers({ ...(role ? { role } : {}), ...(q ? { q } : {}), cursor: users.data.nextCursor });
    users.setData({ items: [...users.data.items, ...next.items], nextCursor: next.nextCursor });
  };

  return (
    <section className="page" aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <CreateUserForm
        onCreated={(user) => {
          toast.show(`${user.name} was added as ${user.role}`);
          void users.reload();
        }}
      />
      <div className="toolbar">
        <label className="compact-field">
          <span>Role</span>
          <select value={role} onChange={(event) => update({ role: event.target.value })}>
            <option value="">Everyone</option>
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <SearchBox value={q} onSearch={onSearch} label="Search by name or email" />
      </div>
      <FormError message={rowError} />
      {users.loading ? <Loading /> : null}
      {users.error ? <ErrorBox error={users.error} onRetry={() => void users.reload()} /> : null}
      {users.data?.items.length === 0 ? <EmptyState title="Nobody matches" /> : null}
      {users.data?.items.length ? (
        <table className="data-table">
          <caption className="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((user) => (
              <UserRow
                key={user.id}
                user={user}
                isMe={user.id === me.id}
                onChanged={replace}
                onError={(caught) => setRowError(caught instanceof Error ? caught.message : 'The change failed')}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      {users.data?.nextCursor ? (
        <button type="button" className="button secondary" onClick={() => void loadMore()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
