import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Preference } from '../api/models';
import { EmptyState, ErrorBox, Loading } from '../ui/feedback';
import { FormError, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { preferencesQuery, putPreferences } from './notifications.api';

type Channel = 'email' | 'inApp';
const CHANNELS: [Channel, string][] = [
  ['email', 'Email'],
  ['inApp', 'In the app'],
];

/** One switch per kind and channel; each change is saved at once, and the server's answer shown. */
export function PreferencesPage() {
  const client = useQueryClient();
  const state = useQuery(preferencesQuery);
  const { errors, show, clear } = useFormErrors();
  const toast = useToast();
  const save = useMutation({
    mutationFn: (changed: Preference) => putPreferences([{ kind: changed.kind, email: changed.email, inApp: changed.inApp }]),
    // Show the switch at once; the server's answer replaces it, or the old state comes back.
    onMutate: (changed) => {
      clear();
      const before = client.getQueryData(preferencesQuery.queryKey);
      client.setQueryData(preferencesQuery.queryKey, before?.map((item) => (item.kind === changed.kind ? changed : item)));
      return { before };
    },
    onSuccess: (saved) => {
      client.setQueryData(preferencesQuery.queryKey, saved);
      toast.show('Preferences saved');
    },
    onError: (caught, _changed, context) => {
      client.setQueryData(preferencesQuery.queryKey, context?.before);
      show(caught);
    },
  });
  const saving = save.isPending;
  const toggle = (preference: Preference, channel: Channel, on: boolean) => save.mutate({ ...preference, [channel]: on });

  const items = state.data;
  return (
    <section className="page narrow" aria-labelledby="prefs-title">
      <h1 id="prefs-title">Notification preferences</h1>
      <p>Choose which moments reach you, and how. Changes are saved as you make them.</p>
      {state.isPending ? <Loading /> : null}
      {state.error ? <ErrorBox error={state.error} onRetry={() => void state.refetch()} /> : null}
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
                      onChange={(event) => toggle(item, channel, event.target.checked)}
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
