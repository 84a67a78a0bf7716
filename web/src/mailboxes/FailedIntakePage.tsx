import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FailedIntake } from '../api/models';
import { mapPages, usePaged } from '../api/paging';
import { EmptyState, ErrorBox, Loading, LoadMore, RelativeTime } from '../ui/feedback';
import { FormError } from '../ui/forms';
import { useToast } from '../ui/toast';
import { discardIntake, failedIntakeQuery, retryIntake } from './mailboxes.api';

export function FailedIntakePage() {
  const toast = useToast();
  const client = useQueryClient();
  const mails = usePaged(failedIntakeQuery);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const drop = (id: string) => client.setQueryData(failedIntakeQuery.queryKey, (data) => mapPages(data, (items) => items.filter((item) => item.id !== id)));

  const act = async (mail: FailedIntake, action: 'retry' | 'discard') => {
    setError(undefined);
    setBusy(mail.id);
    try {
      if (action === 'retry') {
        const outcome = await retryIntake(mail.id);
        toast.show(outcome.status === 'placed' ? `“${mail.subject ?? 'The mail'}” is on a ticket now` : `Tried again: ${outcome.status} (${outcome.reason ?? 'no reason'})`);
      } else {
        await discardIntake(mail.id);
        toast.show(`“${mail.subject ?? 'The mail'}” discarded`);
      }
      // A retried mail that failed again comes back with its new reason.
      if (action === 'retry') mails.reload();
      else drop(mail.id);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'That did not work');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="page" aria-labelledby="intake-title">
      <h1 id="intake-title">Failed intake</h1>
      <p>Mail that could not be placed on a ticket, and mail held because its sender opened too many tickets in an hour. Retrying places it again (and releases a held one); nothing is lost either way.</p>
      <FormError message={error} />
      {mails.loading ? <Loading /> : null}
      {mails.error ? <ErrorBox error={mails.error} onRetry={mails.reload} /> : null}
      {mails.items?.length === 0 ? <EmptyState title="Every mail found its ticket." /> : null}
      {mails.items?.length ? (
        <table className="data-table">
          <caption className="visually-hidden">Failed intake</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
              <th scope="col">Why</th>
              <th scope="col">Received</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {mails.items.map((mail) => (
              <tr key={mail.id}>
                <td data-label="From">{mail.from ?? '(no sender)'}</td>
                <td data-label="Subject">{mail.subject ?? ''}</td>
                <td data-label="Status">{mail.status}</td>
                <td data-label="Why" className="wrap">
                  {mail.error ?? mail.reason ?? ''}
                </td>
                <td data-label="Received">
                  <RelativeTime value={mail.receivedAt} />
                </td>
                <td>
                  <button type="button" className="button secondary small" disabled={busy === mail.id} onClick={() => void act(mail, 'retry')}>
                    {mail.status === 'held' ? 'Release' : 'Retry'}
                  </button>{' '}
                  <button type="button" className="button secondary small" disabled={busy === mail.id} onClick={() => void act(mail, 'discard')}>
                    Discard
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <LoadMore list={mails} />
    </section>
  );
}
