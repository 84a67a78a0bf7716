import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, json } from '../api/client';
import { NewCustomerFields, type CreatedCustomer } from './NewCustomerFields';

const label = (person: { name: string; email: string }) => `${person.name} <${person.email}>`;

/**
 * Staff open a ticket for a customer (a phone call, a walk-in): type part of a name or email
 * and pick one, or make the customer when they have no account. Empty means the ticket is
 * the caller's own.
 */
export function RequesterField({ onChange, error }: { onChange: (requesterId: string | undefined) => void; error: string | undefined }) {
  const [text, setText] = useState('');
  const [creating, setCreating] = useState(false);
  const client = useQueryClient();
  const listId = useId();
  const inputId = useId();
  const found = useQuery({
    queryKey: ['users', 'requesters', text] as const,
    queryFn: async ({ signal }) => (await json(api.GET('/api/users/requesters', { params: { query: { q: text || undefined } }, signal }))).items,
    staleTime: 30_000,
  });
  const chosen = (customer: CreatedCustomer) => {
    setCreating(false);
    setText(label(customer));
    onChange(customer.id);
    void client.invalidateQueries({ queryKey: ['users', 'requesters'] });
  };
  return (
    <div className="field">
      <label htmlFor={inputId}>On behalf of a customer</label>
      <input
        id={inputId}
        list={listId}
        value={text}
        placeholder="Name or email (leave empty for yourself)"
        aria-invalid={error ? true : undefined}
        onChange={(event) => {
          const value = event.target.value;
          setText(value);
          onChange(found.data?.find((person) => label(person) === value)?.id);
        }}
      />
      <datalist id={listId}>
        {(found.data ?? []).map((person) => (
          <option key={person.id} value={label(person)} />
        ))}
      </datalist>
      {error ? <p className="field-error">{error}</p> : null}
      {creating ? (
        <NewCustomerFields onCreated={chosen} onCancel={() => setCreating(false)} />
      ) : (
        <button type="button" className="link-button" onClick={() => setCreating(true)}>
          New customer…
        </button>
      )}
    </div>
  );
}
