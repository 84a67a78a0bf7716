import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { AppliedMacro } from '../api/models';
import { FormError, useFormErrors } from '../ui/forms';
import { applyMacro, macrosQuery } from './macros.api';

interface Props {
  ticketId: string;
  onApplied: (applied: AppliedMacro) => void;
}

/**
 * Picks a macro by typing part of its name and applies it: the server makes its changes as
 * the agent's own (and refuses what they may not do); its text comes back for the composer.
 */
export function MacroPicker({ ticketId, onApplied }: Props) {
  const macros = useQuery(macrosQuery);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const listId = useId();
  const inputId = useId();
  if (!macros.data || macros.data.length === 0) return null;
  const chosen = macros.data.find((macro) => macro.name === name);

  const apply = async () => {
    if (!chosen) return;
    clear();
    setBusy(true);
    try {
      onApplied(await applyMacro(ticketId, chosen.id));
      setName('');
    } catch (caught) {
      show(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="macro-picker">
      <label htmlFor={inputId} className="compact-field">
        <span>Macro</span>
        <input
          id={inputId}
          list={listId}
          value={name}
          placeholder="Type to find a macro"
          onChange={(event) => setName(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            event.preventDefault();
            void apply();
          }}
        />
      </label>
      <datalist id={listId}>
        {macros.data.map((macro) => (
          <option key={macro.id} value={macro.name}>
            {macro.shared ? 'Shared' : 'Mine'}
          </option>
        ))}
      </datalist>
      <button type="button" className="button secondary" disabled={!chosen || busy} onClick={() => void apply()}>
        Apply macro
      </button>
      <FormError message={errors.form} />
    </div>
  );
}
