import { useState, type KeyboardEvent } from 'react';
import { api, json } from '../api/client';
import { FormError, TextField, useFormErrors } from '../ui/forms';

export interface CreatedCustomer {
  id: string;
  name: string;
  email: string;
}

/**
 * A customer who has no account yet, made in place (the server makes only customers and
 * mails them a link to choose a password). Fields, not a form: they sit inside the ticket's.
 */
export function NewCustomerFields({ onCreated, onCancel }: { onCreated: (customer: CreatedCustomer) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();

  const create = async () => {
    clear();
    setBusy(true);
    try {
      onCreated(await json(api.POST('/api/users/requesters', { body: { name, email } })));
    } catch (caught) {
      show(caught, ['name', 'email']);
      setBusy(false);
    }
  };
  // Enter here makes the customer, not the ticket.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    void create();
  };

  return (
    <fieldset className="new-customer" aria-label="New customer">
      <legend>New customer</legend>
      <TextField label="Name" autoComplete="off" maxLength={100} value={name} error={errors.fields.name} onChange={(e) => setName(e.target.value)} onKeyDown={onKeyDown} />
      <TextField label="Email" type="email" autoComplete="off" value={email} error={errors.fields.email} onChange={(e) => setEmail(e.target.value)} onKeyDown={onKeyDown} />
      <FormError message={errors.form} />
      <p className="field-hint">They get a mail to choose a password.</p>
      <div className="actions">
        <button type="button" className="button" disabled={busy} onClick={() => void create()}>
          {busy ? 'Creating…' : 'Create customer'}
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
