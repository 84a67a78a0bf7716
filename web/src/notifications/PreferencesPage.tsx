import { useState } from 'react';
import { EmptyState, ErrorBox, Loading } from '../ui/feedback';
import { Checkbox, FormError, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { useAsync } from '../ui/useAsync';
import { getPreferences, putPreferences, type Preferences } from './notifications.api';

/** Every on/off switch of the preferences document, by its path ("email.ticket_created"). */
interface Switch {
  path: string[];
  enabled: boolean;
}

function switchesOf(value: unknown, path: string[] = []): Switch[] {
  if (typeof value === 'boolean') return [{ path, enabled: value }];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => switchesOf(inner, [...path, key]));
}

function withSwitch(document: unknown, path: string[], enabled: boolean): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return enabled;
  const object = typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};
  return { ...object, [head]: withSwitch(object[head], rest, enabled) };
}

/** "ticket_created" / "ticketCreated" → "Ticket created". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[._-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function PreferencesPage() {
  const state = useAsync(getPreferences, 'preferences');
  const [saving, setSaving] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const toast = useToast();

  const toggle = async (current: Preferences, path: string[], enabled: boolean) => {
    clear();
    setSaving(true);
    const next = withSwitch(current, path, enabled) as Preferences;
    state.setData(next);
    try {
      const saved = await putPreferences(next);
      state.setData(saved);
      toast.show('Preferences saved');
    } catch (caught) {
      state.setData(current);
      show(caught);
    } finally {
      setSaving(false);
    }
  };

  const preferences = state.data;
  return (
    <section className="page narrow" aria-labelledby="prefs-title">
      <h1 id="prefs-title">Notification preferences</h1>
      <p>Choose which moments reach you. Changes are saved as you make them.</p>
      {state.loading ? <Loading /> : null}
      {state.error ? <ErrorBox error={state.error} onRetry={() => void state.reload()} /> : null}
      {preferences && switchesOf(preferences).length === 0 ? <EmptyState title="There is nothing to choose yet" /> : null}
      {preferences ? (
        <fieldset className="card" disabled={saving}>
          <legend>Send me</legend>
          {switchesOf(preferences).map((item) => (
            <Checkbox
              key={item.path.join('.')}
              label={item.path.map(humanize).join(' · ')}
              checked={item.enabled}
              onChange={(event) => void toggle(preferences, item.path, event.target.checked)}
            />
          ))}
        </fieldset>
      ) : null}
      <FormError message={errors.form} />
    </section>
  );
}
