import type { AuditEntry, Page } from '../api/types';
import { EmptyState, ErrorBox, Loading, RelativeTime } from '../ui/feedback';
import { useAsync } from '../ui/useAsync';
import { listAudit, listUsers } from './admin.api';

function detailsText(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}

export function AuditPage() {
  const log = useAsync<Page<AuditEntry>>(() => listAudit(), 'audit');
  // Entries carry ids; the newest users are enough to name most of the people acting.
  const people = useAsync(async () => new Map((await listUsers({ limit: 100 })).items.map((user) => [user.id, user.name])), 'audit-people');
  const nameOf = (entry: AuditEntry): string => {
    if (entry.actor?.name) return entry.actor.name;
    if (!entry.actorId) return 'System';
    return people.data?.get(entry.actorId) ?? entry.actorId;
  };

  const loadMore = async () => {
    if (!log.data?.nextCursor) return;
    const next = await listAudit(log.data.nextCursor);
    log.setData({ items: [...log.data.items, ...next.items], nextCursor: next.nextCursor });
  };

  return (
    <section className="page" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p>Every change to users, roles and permissions, newest first.</p>
      {log.loading ? <Loading /> : null}
      {log.error ? <ErrorBox error={log.error} onRetry={() => void log.reload()} /> : null}
      {log.data?.items.length === 0 ? <EmptyState title="Nothing recorded yet" /> : null}
      {log.data?.items.length ? (
        <table className="data-table">
          <caption className="visually-hidden">Audit log</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {log.data.items.map((entry) => (
              <tr key={String(entry.id)}>
                <td data-label="When">
                  <RelativeTime value={entry.createdAt} />
                </td>
                <td data-label="Who">{nameOf(entry)}</td>
                <td data-label="Action">
                  <code>{entry.action}</code>
                </td>
                <td data-label="Target">{[entry.targetType, entry.targetId].filter(Boolean).join(' ')}</td>
                <td data-label="Details" className="wrap">
                  {detailsText(entry.details)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {log.data?.nextCursor ? (
        <button type="button" className="button secondary" onClick={() => void loadMore()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
