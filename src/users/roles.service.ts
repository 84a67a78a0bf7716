import { recordAudit } from '../audit/audit.repository.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import { isPermission, ROLES, type Permission, type Role } from '../authz/permissions.js';
import { LOCKED_PERMISSIONS } from '../authz/policies/role.js';
import type { AppContext } from '../context.js';
import { invalid } from '../http/errors.js';
import { permissionsByRole, replaceRolePermissions } from './roles.repository.js';

export interface RolePermissions {
  role: Role;
  permissions: string[];
}

export interface RoleView extends RolePermissions {
  /** Permissions that cannot be taken from this role, so an editor does not offer to. */
  locked: string[];
}

export async function listRoles(ctx: AppContext, actor: Actor): Promise<RoleView[]> {
  authorize(actor, 'role.read');
  const byRole = await permissionsByRole(ctx.database.db);
  return ROLES.map((role) => ({ role, permissions: byRole.get(role) ?? [], locked: [...LOCKED_PERMISSIONS[role]] }));
}

export async function setRolePermissions(
  ctx: AppContext,
  actor: Actor,
  role: Role,
  requested: readonly string[],
): Promise<RolePermissions> {
  authorize(actor, 'role.edit');
  const unknown = requested.filter((permission) => !isPermission(permission));
  if (unknown.length > 0) throw invalid('unknown_permission', `Unknown permission: ${unknown.join(', ')}`);
  const permissions = [...new Set(requested as readonly Permission[])].sort();
  authorize(actor, 'role.setPermissions', { role, permissions });
  await ctx.database.db.transaction(async (tx) => {
    const before = await replaceRolePermissions(tx, role, permissions);
    await recordAudit(
      tx,
      { actorId: actor.id, action: 'role.permissions_changed', targetType: 'role', targetId: role, details: { from: before, to: permissions } },
      ctx.now(),
    );
  });
  return { role, permissions };
}
