import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FailedMail } from '../api/models';
import { mapPages, usePaged } from '../api/paging';
import { EmptyState, ErrorBox, Loading, LoadMore, RelativeTime } from '../ui/feedback';
import { FormError } from '../ui/forms';
import { useToast } from '../ui/toast';
import { failedMailQuery, retryMail } from './admin.api';

export function FailedMailPage() {
  const toast = useToast();
  const client = useQueryClient();
  const mails = usePaged(failedMailQuery);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);

  const retry = async (mail: FailedMail) => {
    setError(undefined);
    setBusy(mail.id);
    try {
      await retryMail(mail.id);
      toast.show(`“${mail.subject}” is queued again`);
      client.setQueryData(failedMailQuery.queryKey, (data) => mapPages(data, (items) => items.filter((item) => item.id !== mail.id)));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The retry failed');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="page" aria-labelledby="mail-title">
      <h1 id="mail-title">Failed mail</h1>
      <p>Mail the server gave up sending after its retries. Retrying queues it again.</p>
      <FormError message={error} />
      {mails.loading ? <Loading /> : null}
      {mails.error ? <ErrorBox error={mails.error} onRetry={mails.reload} /> : null}
      {mails.items?.length === 0 ? <EmptyState title="No failed mail. All sent." /> : null}
      {mails.items?.length ? (
        <table className="data-table">
          <caption className="visually-hidden">Failed mail</caption>
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Queued</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {mails.items.map((mail) => (
              <tr key={mail.id}>
                <td data-label="To">{mail.to}</td>
                <td data-label="Subject">{mail.subject}</td>
                <td data-label="Attempts">{mail.attempts}</td>
                <td data-label="Last error" className="wrap">
                  {mail.lastError ?? ''}
                </td>
                <td data-label="Queued">
                  <RelativeTime value={mail.createdAt} />
                </td>
                <td>
                  <button type="button" className="button secondary small" disabled={busy === mail.id} onClick={() => void retry(mail)}>
                    Retry
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
