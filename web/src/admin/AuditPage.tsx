import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditEntry } from '../api/models';
import { usePaged } from '../api/paging';
import { useAuth } from '../auth/AuthContext';
import { EmptyState, ErrorBox, Loading, LoadMore, RelativeTime } from '../ui/feedback';
import { auditQuery, usersQuery } from './admin.api';

function detailsText(details: AuditEntry['details']): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}

export function AuditPage() {
  const { can } = useAuth();
  const log = usePaged(auditQuery);
  // Entries carry ids; the first page of users (for those who may list them) names most of the people acting.
  const people = useInfiniteQuery({ ...usersQuery({}), enabled: can('users.manage') });
  const names = new Map(people.data?.pages.flatMap((page) => page.items.map((user) => [user.id, user.name] as const)));
  const nameOf = (entry: AuditEntry): string => {
    if (!entry.actorId) return 'System';
    return names.get(entry.actorId) ?? entry.actorId;
  };

  return (
    <section className="page" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p>Every change to users, roles and permissions, newest first.</p>
      {log.loading ? <Loading /> : null}
      {log.error ? <ErrorBox error={log.error} onRetry={log.reload} /> : null}
      {log.items?.length === 0 ? <EmptyState title="Nothing recorded yet" /> : null}
      {log.items?.length ? (
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
            {log.items.map((entry) => (
              <tr key={entry.id}>
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
      <LoadMore list={log} />
    </section>
  );
}
