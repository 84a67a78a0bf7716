import { conflict } from '../../http/errors.js';
import type { Permission, Role } from '../permissions.js';
import { allow } from '../policy.js';

/** Permissions a role always keeps, so nobody can lock the desk out of its own administration. */
export const LOCKED_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  customer: [],
  agent: [],
  manager: ['users.manage', 'roles.manage'],
};

export interface RolePermissionsChange {
  role: Role;
  permissions: readonly Permission[];
}

const manage = allow<undefined>({ permission: 'roles.manage' });
const setPermissions = allow<RolePermissionsChange>({
  permission: 'roles.manage',
  when: (_subject, change) => LOCKED_PERMISSIONS[change.role].every((locked) => change.permissions.includes(locked)),
  otherwise: () => conflict('manager_permission_locked', `Managers always keep ${LOCKED_PERMISSIONS.manager.join(' and ')}`),
});

export const rolePolicy = {
  'role.read': manage,
  /** Any change to the table; what it is changed to is `role.setPermissions`. */
  'role.edit': manage,
  'role.setPermissions': setPermissions,
};
