import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Permission, Role, RolePermissions } from '../api/models';
import { useAuth } from '../auth/AuthContext';
import { ROLES } from '../ui/chips';
import { ErrorBox, Loading } from '../ui/feedback';
import { FormError } from '../ui/forms';
import { useToast } from '../ui/toast';
import { putRole, rolesQuery } from './admin.api';

/** What each permission lets a role do, in the table's order. */
const MEANING: Record<Permission, string> = {
  'tickets.create': 'Open tickets',
  'tickets.read.all': 'See every ticket',
  'tickets.reply': 'Reply publicly',
  'tickets.note': 'Add and read internal notes',
  'tickets.assign': 'Assign unassigned tickets',
  'tickets.reassign': 'Change or clear an assignee',
  'tickets.status': 'Change the status of any ticket',
  'tickets.priority': 'Set the priority',
  'tickets.team': 'Move tickets between teams',
  'teams.manage': 'Manage teams, topics and availability (and see every team)',
  'escalation.manage': 'Escalation rules and SLA',
  'reports.read': 'Read reports',
  'users.manage': 'Manage users',
  'roles.manage': 'Edit this table',
  'audit.read': 'Read the audit log',
  'mail.manage': 'See and retry failed mail',
  'tickets.tag': 'Add and remove tags (seeing them needs internal notes)',
  'macros.manage': 'Keep the shared macros',
  'views.manage': 'Keep the shared queue views',
};

/** Roles × permissions; each tick is saved at once and the server's answer is what stays shown. */
export function RolesPage() {
  const { can, reloadMe } = useAuth();
  const toast = useToast();
  const client = useQueryClient();
  const roles = useQuery(rolesQuery);
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const editable = can('roles.manage');

  const entryOf = (role: Role): RolePermissions | undefined => roles.data?.find((entry) => entry.role === role);
  const permissionsOf = (role: Role): Permission[] => entryOf(role)?.permissions ?? [];
  // MEANING names every permission the API's schema lists, so its keys are exactly them.
  const rows = Object.keys(MEANING) as Permission[];

  const toggle = async (role: Role, permission: Permission, granted: boolean) => {
    const before = roles.data ?? [];
    const entry = entryOf(role);
    if (!entry) return;
    const next = granted ? [...entry.permissions, permission] : entry.permissions.filter((p) => p !== permission);
    const replaceRole = (replacement: RolePermissions) => before.map((known) => (known.role === role ? replacement : known));
    setError(undefined);
    setSaving(`${role}:${permission}`);
    // Show the tick at once; the server's answer replaces it, or the old state comes back.
    client.setQueryData(rolesQuery.queryKey, replaceRole({ ...entry, permissions: next }));
    try {
      const saved = await putRole(role, next);
      client.setQueryData(rolesQuery.queryKey, replaceRole({ ...entry, ...saved }));
      toast.show(`${granted ? 'Granted' : 'Removed'} ${permission} ${granted ? 'to' : 'from'} ${role}s`);
      await reloadMe();
    } catch (caught) {
      client.setQueryData(rolesQuery.queryKey, before);
      setError(caught instanceof Error ? caught.message : 'The change was not saved');
    } finally {
      setSaving(null);
    }
  };

  return (
    <section className="page" aria-labelledby="roles-title">
      <h1 id="roles-title">Roles and permissions</h1>
      <p>Changes apply to everyone with the role on their next action.</p>
      {roles.isPending ? <Loading /> : null}
      {roles.error ? <ErrorBox error={roles.error} onRetry={() => void roles.refetch()} /> : null}
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
              {rows.map((permission) => (
                <tr key={permission}>
                  <th scope="row">
                    <code>{permission}</code>
                    <span className="muted"> {MEANING[permission]}</span>
                  </th>
                  {ROLES.map((role) => {
                    // A permission the role must keep is shown held, and not offered for change.
                    const locked = entryOf(role)?.locked.includes(permission) ?? false;
                    return (
                      <td key={role}>
                        <input
                          type="checkbox"
                          aria-label={`${role}: ${permission}`}
                          title={locked ? `${role}s always keep this permission` : undefined}
                          checked={locked || permissionsOf(role).includes(permission)}
                          disabled={!editable || locked || saving !== null}
                          onChange={(event) => void toggle(role, permission, event.target.checked)}
                        />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
