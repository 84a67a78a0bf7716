import { useState } from 'react';
import { PERMISSIONS, ROLES, type Role, type RolePermissions } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ErrorBox, Loading } from '../ui/feedback';
import { FormError } from '../ui/forms';
import { useToast } from '../ui/toast';
import { useAsync } from '../ui/useAsync';
import { listRoles, putRole } from './admin.api';

const MEANING: Record<string, string> = {
  'tickets.create': 'Open tickets',
  'tickets.read.all': 'See every ticket',
  'tickets.reply': 'Reply publicly',
  'tickets.note': 'Add and read internal notes',
  'tickets.assign': 'Assign unassigned tickets',
  'tickets.reassign': 'Change or clear an assignee',
  'tickets.status': 'Change the status of any ticket',
  'tickets.priority': 'Set the priority',
  'escalation.manage': 'Escalation rules and SLA',
  'reports.read': 'Read reports',
  'users.manage': 'Manage users',
  'roles.manage': 'Edit this table',
};

/** Roles × permissions; each tick is saved at once and the server's answer is what stays shown. */
export function RolesPage() {
  const { can, reloadMe } = useAuth();
  const toast = useToast();
  const roles = useAsync(listRoles, 'roles');
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const editable = can('roles.manage');

  const permissionsOf = (role: Role): string[] => roles.data?.find((entry) => entry.role === role)?.permissions ?? [];
  // Permissions the server knows beyond ours still get a row.
  const rows = [...PERMISSIONS, ...(roles.data ?? []).flatMap((entry) => entry.permissions).filter((p) => !(PERMISSIONS as readonly string[]).includes(p))];
  const uniqueRows = [...new Set(rows)];

  const toggle = async (role: Role, permission: string, granted: boolean) => {
    const before = roles.data ?? [];
    const current = permissionsOf(role);
    const next = granted ? [...current, permission] : current.filter((p) => p !== permission);
    const replaceRole = (replacement: RolePermissions) => before.map((entry) => (entry.role === role ? replacement : entry));
    setError(undefined);
    setSaving(`${role}:${permission}`);
    // Show the tick at once; the server's answer replaces it, or the old state comes back.
    roles.setData(replaceRole({ role, permissions: next }));
    try {
      roles.setData(replaceRole(await putRole(role, next)));
      toast.show(`${granted ? 'Granted' : 'Removed'} ${permission} ${granted ? 'to' : 'from'} ${role}s`);
      await reloadMe();
    } catch (caught) {
      roles.setData(before);
      setError(caught instanceof Error ? caught.message : 'The change was not saved');
    } finally {
      setSaving(null);
    }
  };

  return (
    <section className="page" aria-labelledby="roles-title">
      <h1 id="roles-title">Roles and permissions</h1>
      <p>Changes apply to everyone with the role on their next action.</p>
      {roles.loading ? <Loading /> : null}
      {roles.error ? <ErrorBox error={roles.error} onRetry={() => void roles.reload()} /> : null}
      <FormError message={error} />
      {roles.data ? (
        <div className="table-scroll">
          <table className="matrix">
            <caption className="visually-hidden">Permissions of each role</caption>
            <thead>
              <tr>
                <th scope="col">Permission</th>
                {ROLES.map((role) => (
                  <th key={role} scope="col" className="capitalize">
                    {role}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {uniqueRows.map((permission) => (
                <tr key={permission}>
                  <th scope="row">
                    <code>{permission}</code>
                    <span className="muted"> {MEANING[permission] ?? ''}</span>
                  </th>
                  {ROLES.map((role) => (
                    <td key={role}>
                      <input
                        type="checkbox"
                        aria-label={`${role}: ${permission}`}
                        checked={permissionsOf(role).includes(permission)}
                        disabled={!editable || saving !== null}
                        onChange={(event) => void toggle(role, permission, event.target.checked)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
