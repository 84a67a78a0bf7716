import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ViewInput } from '../api/models';
import { useAuth } from '../auth/AuthContext';
import { FormError, useFormErrors } from '../ui/forms';
import { createView, viewKeys } from './views.api';

/** Saves the queue's current filters and order as a view. */
export function SaveView({ view }: { view: Omit<ViewInput, 'name' | 'shared'> }) {
  const { can } = useAuth();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [open, setOpen] = useState(false);
  const { errors, show, clear } = useFormErrors();
  if (!open) {
    return (
      <button type="button" className="button secondary" onClick={() => setOpen(true)}>
        Save as view
      </button>
    );
  }
  const save = async () => {
    clear();
    try {
      await createView({ ...view, name, ...(shared ? { shared } : {}) });
      await client.invalidateQueries({ queryKey: viewKeys.all });
      setOpen(false);
      setName('');
    } catch (caught) {
      show(caught);
    }
  };
  return (
    <form
      className="inline-form"
      aria-label="Save as view"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label className="compact-field">
        <span>View name</span>
        <input value={name} required maxLength={100} onChange={(event) => setName(event.target.value)} />
      </label>
      {can('views.manage') ? (
        <label>
          <input type="checkbox" checked={shared} onChange={(event) => setShared(event.target.checked)} /> Shared
        </label>
      ) : null}
      <button type="submit" className="button primary" disabled={name.trim() === ''}>
        Save view
      </button>
      <FormError message={errors.form} />
    </form>
  );
}
