import { useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import type { Mailbox, MailboxInput } from '../api/models';
import { mapPages, usePaged } from '../api/paging';
import { EmptyState, ErrorBox, Loading, LoadMore } from '../ui/feedback';
import { Checkbox, FormError, TextField, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { createMailbox, deleteMailbox, mailboxesQuery, testMailbox, updateMailbox } from './mailboxes.api';

interface MailboxForm {
  address: string;
  host: string;
  port: string;
  tls: boolean;
  username: string;
  password: string;
  folder: string;
  enabled: boolean;
}

const FIELDS = ['address', 'host', 'port', 'username', 'password', 'folder'] as const;

const formOf = (mailbox: Mailbox | null): MailboxForm => ({
  address: mailbox?.address ?? '',
  host: mailbox?.host ?? '',
  port: String(mailbox?.port ?? 993),
  tls: mailbox?.tls ?? true,
  username: mailbox?.username ?? '',
  password: '',
  folder: mailbox?.folder ?? 'INBOX',
  enabled: mailbox?.enabled ?? true,
});

/** The password is sent only when typed: editing a mailbox keeps the stored one otherwise. */
function inputOf(form: MailboxForm): MailboxInput {
  const { password, port, ...rest } = form;
  return { ...rest, port: Number(port), password };
}

function MailboxEditor({ mailbox, onSaved, onCancel }: { mailbox: Mailbox | null; onSaved: (mailbox: Mailbox, pushSecret?: string) => void; onCancel: () => void }) {
  const [form, setForm] = useState(() => formOf(mailbox));
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const set = (change: Partial<MailboxForm>) => setForm((current) => ({ ...current, ...change }));

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      const input = inputOf(form);
      if (mailbox) {
        const { password, ...rest } = input;
        onSaved(await updateMailbox(mailbox.id, password ? input : rest));
      } else {
        const { pushSecret, ...created } = await createMailbox(input);
        onSaved(created, pushSecret);
        setForm(formOf(null));
      }
    } catch (caught) {
      show(caught, FIELDS);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="mailbox-editor-title">
      <h2 id="mailbox-editor-title">{mailbox ? `Edit ${mailbox.address}` : 'Add a mailbox'}</h2>
      <TextField label="Support address" type="email" required value={form.address} error={errors.fields.address} onChange={(e) => set({ address: e.target.value })} hint="The address customers write to, e.g. support@example.com" />
      <div className="grid-3">
        <TextField label="IMAP server" required value={form.host} error={errors.fields.host} onChange={(e) => set({ host: e.target.value })} hint="imap.gmail.com, outlook.office365.com, …" />
        <TextField label="Port" type="number" min={1} max={65535} required value={form.port} error={errors.fields.port} onChange={(e) => set({ port: e.target.value })} />
        <TextField label="Folder" required value={form.folder} error={errors.fields.folder} onChange={(e) => set({ folder: e.target.value })} />
      </div>
      <Checkbox label="TLS (port 993); otherwise STARTTLS when offered" checked={form.tls} onChange={(e) => set({ tls: e.target.checked })} />
      <div className="grid-3">
        <TextField label="User name" required autoComplete="off" value={form.username} error={errors.fields.username} onChange={(e) => set({ username: e.target.value })} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required={!mailbox}
          value={form.password}
          error={errors.fields.password}
          onChange={(e) => set({ password: e.target.value })}
          hint={mailbox ? 'Leave empty to keep the stored one' : 'An app password for Gmail and Office 365'}
        />
      </div>
      <Checkbox label="Take mail from it" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
      <FormError message={errors.form} />
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          {mailbox ? 'Save' : 'Add mailbox'}
        </button>
        {mailbox ? (
          <button type="button" className="button secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

export function MailboxesPage() {
  const toast = useToast();
  const client = useQueryClient();
  const mailboxes = usePaged(mailboxesQuery);
  const [editing, setEditing] = useState<Mailbox | null>(null);
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);

  const saved = (mailbox: Mailbox, pushSecret?: string) => {
    setEditing(null);
    setSecret(pushSecret);
    toast.show(`${mailbox.address} saved`);
    mailboxes.reload();
  };

  const run = async (mailbox: Mailbox, action: 'test' | 'delete') => {
    setError(undefined);
    setBusy(mailbox.id);
    try {
      if (action === 'test') {
        const result = await testMailbox(mailbox.id);
        if (result.ok) toast.show(`${mailbox.address}: connected, ${result.messages ?? 0} messages in ${mailbox.folder}`);
        else setError(`${mailbox.address}: ${result.error ?? 'the connection failed'}`);
      } else {
        await deleteMailbox(mailbox.id);
        toast.show(`${mailbox.address} removed`);
        client.setQueryData(mailboxesQuery.queryKey, (data) => mapPages(data, (items) => items.filter((item) => item.id !== mailbox.id)));
      }
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'That did not work');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="page" aria-labelledby="mailboxes-title">
      <h1 id="mailboxes-title">Mailboxes</h1>
      <p>IMAP mailboxes the desk takes mail from: a new mail opens a ticket, a reply lands on its ticket.</p>
      {secret ? (
        <p className="card" role="status">
          Push secret, for providers that post mail to <code>/api/inbound/email</code> (shown this once): <code>{secret}</code>
        </p>
      ) : null}
      <FormError message={error} />
      {mailboxes.loading ? <Loading /> : null}
      {mailboxes.error ? <ErrorBox error={mailboxes.error} onRetry={mailboxes.reload} /> : null}
      {mailboxes.items?.length === 0 ? <EmptyState title="No mailbox yet (IMAP_URL may name one)." /> : null}
      {mailboxes.items?.length ? (
        <table className="data-table">
          <caption className="visually-hidden">Mailboxes</caption>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Server</th>
              <th scope="col">Folder</th>
              <th scope="col">Enabled</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {mailboxes.items.map((mailbox) => (
              <tr key={mailbox.id}>
                <td data-label="Address">{mailbox.address}</td>
                <td data-label="Server">
                  {mailbox.username}@{mailbox.host}:{mailbox.port}
                  {mailbox.tls ? ' (TLS)' : ''}
                </td>
                <td data-label="Folder">{mailbox.folder}</td>
                <td data-label="Enabled">{mailbox.enabled ? 'yes' : 'no'}</td>
                <td>
                  <button type="button" className="button secondary small" disabled={busy === mailbox.id} onClick={() => void run(mailbox, 'test')}>
                    Test connection
                  </button>{' '}
                  <button type="button" className="button secondary small" onClick={() => setEditing(mailbox)}>
                    Edit
                  </button>{' '}
                  <button type="button" className="button secondary small" disabled={busy === mailbox.id} onClick={() => void run(mailbox, 'delete')}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <LoadMore list={mailboxes} />
      <MailboxEditor key={editing?.id ?? 'new'} mailbox={editing} onSaved={saved} onCancel={() => setEditing(null)} />
    </section>
  );
}
