import { useState } from 'react';
import { EmptyState, ErrorBox, Loading } from '../ui/feedback';
import { FormError, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { useAsync } from '../ui/useAsync';
import { getPreferences, putPreferences, type Preference } from './notifications.api';

type Channel = 'email' | 'inApp';
const CHANNELS: [Channel, string][] = [
  ['email', 'Email'],
  ['inApp', 'In the app'],
];

/** One switch per kind and channel; each change is saved at once, and the server's answer shown. */
export function PreferencesPage() {
  const state = useAsync(getPreferences, 'preferences');
  const [saving, setSaving] = useState(false);
  const { errors, show, clear } = useFormErrors();
  const toast = useToast();

  const toggle = async (preference: Preference, channel: Channel, on: boolean) => {
    const before = state.data;
    if (!before) return;
    clear();
    setSaving(true);
    state.setData({ items: before.items.map((item) => (item.kind === preference.kind ? { ...item, [channel]: on } : item)) });
    try {
      const changed: Preference = { ...preference, [channel]: on };
      state.setData(await putPreferences([{ kind: changed.kind, email: changed.email, inApp: changed.inApp }]));
      toast.show('Preferences saved');
    } catch (caught) {
      state.setData(before);
      show(caught);
    } finally {
      setSaving(false);
    }
  };

  const items = state.data?.items;
  return (
    <section className="page narrow" aria-labelledby="prefs-title">
      <h1 id="prefs-title">Notification preferences</h1>
      <p>Choose which moments reach you, and how. Changes are saved as you make them.</p>
      {state.loading ? <Loading /> : null}
      {state.error ? <ErrorBox error={state.error} onRetry={() => void state.reload()} /> : null}
      {items?.length === 0 ? <EmptyState title="There is nothing to choose yet" /> : null}
      <FormError message={errors.form} />
      {items?.length ? (
        <table className="data-table preferences">
          <caption className="visually-hidden">Notification preferences</caption>
          <thead>
            <tr>
              <th scope="col">Tell me when</th>
              {CHANNELS.map(([channel, label]) => (
                <th key={channel} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.kind}>
                <th scope="row">{item.description}</th>
                {CHANNELS.map(([channel, label]) => (
                  <td key={channel} data-label={label}>
                    <input
                      type="checkbox"
                      aria-label={`${item.description}: ${label}`}
                      checked={item[channel]}
                      disabled={saving}
                      onChange={(event) => void toggle(item, channel, event.target.checked)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
