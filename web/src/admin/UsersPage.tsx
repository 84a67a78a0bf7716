import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type SubmitEvent } from 'react';
import type { ListedUser, Role, User } from '../api/models';
import { mapPages, usePaged } from '../api/paging';
import { useQueryString } from '../app/search-params';
import { useMe } from '../auth/AuthContext';
import { SearchBox } from '../tickets/SearchBox';
import { ROLES } from '../ui/chips';
import { EmptyState, ErrorBox, Loading, LoadMore, RelativeTime } from '../ui/feedback';
import { FormError, SelectField, TextField, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { adminKeys, createUser, updateUser, usersQuery } from './admin.api';

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

function UserRow({ user, isMe, onChanged, onError }: { user: ListedUser; isMe: boolean; onChanged: (user: ListedUser) => void; onError: (error: unknown) => void }) {
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
          <select id={`role-${user.id}`} value={role} disabled={busy || !user.abilities.changeRole} onChange={(event) => setRole(event.target.value as Role)}>
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
        {/* The server says whether it would accept this (not the last manager's own Deactivate). */}
        {user.abilities.deactivate ? (
          <button type="button" className="button secondary small" disabled={busy} onClick={() => void change({ active: !user.active })}>
            {user.active ? 'Deactivate' : 'Reactivate'}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

export function UsersPage() {
  const me = useMe();
  const toast = useToast();
  const client = useQueryClient();
  const [search, update] = useQueryString();
  const role = ROLES.find((value) => value === search.get('role'));
  const q = search.get('q') ?? '';
  const [rowError, setRowError] = useState<string | undefined>(undefined);
  const query = usersQuery({ role, q: q || undefined });
  const users = usePaged(query);
  const onSearch = useCallback((text: string) => update({ q: text }), [update]);

  const replace = (changed: ListedUser) => {
    setRowError(undefined);
    client.setQueryData(query.queryKey, (data) => mapPages(data, (items) => items.map((user) => (user.id === changed.id ? changed : user))));
    // Other filtered lists may now hold it or not: they are read again when shown.
    void client.invalidateQueries({ queryKey: adminKeys.users, refetchType: 'none' });
  };

  return (
    <section className="page" aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <CreateUserForm
        onCreated={(user) => {
          toast.show(`${user.name} was added as ${user.role}`);
          void client.invalidateQueries({ queryKey: adminKeys.users });
        }}
      />
      <div className="toolbar">
        <label className="compact-field">
          <span>Role</span>
          <select value={role ?? ''} onChange={(event) => update({ role: event.target.value })}>
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
      {users.error ? <ErrorBox error={users.error} onRetry={users.reload} /> : null}
      {users.items?.length === 0 ? <EmptyState title="Nobody matches" /> : null}
      {users.items?.length ? (
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
            {users.items.map((user) => (
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
      <LoadMore list={users} />
    </section>
  );
}
