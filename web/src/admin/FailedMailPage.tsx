import { useState } from 'react';
import type { FailedMail, Page } from '../api/types';
import { EmptyState, ErrorBox, Loading, RelativeTime } from '../ui/feedback';
import { FormError } from '../ui/forms';
import { useToast } from '../ui/toast';
import { useAsync } from '../ui/useAsync';
import { listFailedMail, retryMail } from './admin.api';

export function FailedMailPage() {
  const toast = useToast();
  const mails = useAsync<Page<FailedMail>>(() => listFailedMail(), 'failed-mail');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);

  const retry = async (mail: FailedMail) => {
    setError(undefined);
    setBusy(String(mail.id));
    try {
      await retryMail(mail.id);
      toast.show(`“${mail.subject}” is queued again`);
      if (mails.data) mails.setData({ ...mails.data, items: mails.data.items.filter((item) => item.id !== mail.id) });
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
      {mails.error ? <ErrorBox error={mails.error} onRetry={() => void mails.reload()} /> : null}
      {mails.data?.items.length === 0 ? <EmptyState title="No failed mail. All sent." /> : null}
      {mails.data?.items.length ? (
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
            {mails.data.items.map((mail) => (
              <tr key={String(mail.id)}>
                <td data-label="To">{mail.to ?? mail.toAddress ?? ''}</td>
                <td data-label="Subject">{mail.subject}</td>
                <td data-label="Attempts">{mail.attempts ?? ''}</td>
                <td data-label="Last error" className="wrap">
                  {mail.lastError ?? ''}
                </td>
                <td data-label="Queued">
                  <RelativeTime value={mail.createdAt} />
                </td>
                <td>
                  <button type="button" className="button secondary small" disabled={busy === String(mail.id)} onClick={() => void retry(mail)}>
                    Retry
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
