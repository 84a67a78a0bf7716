import { recordAudit } from '../audit/audit.repository.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import { isPermission, MANAGER_LOCKED_PERMISSIONS, ROLES, type Permission, type Role } from '../authz/permissions.js';
import type { AppContext } from '../context.js';
import { conflict, invalid } from '../http/errors.js';
import { permissionsByRole, replaceRolePermissions } from './roles.repository.js';

export interface RolePermissions {
  role: Role;
  permissions: string[];
}

export async function listRoles(ctx: AppContext, actor: Actor): Promise<RolePermissions[]> {
  authorize(actor, 'roles.manage');
  const byRole = await permissionsByRole(ctx.database.db);
  return ROLES.map((role) => ({ role, permissions: byRole.get(role) ?? [] }));
}

export async function setRolePermissions(
  ctx: AppContext,
  actor: Actor,
  role: Role,
  requested: readonly string[],
): Promise<RolePermissions> {
  authorize(actor, 'roles.manage');
  const unknown = requested.filter((permission) => !isPermission(permission));
  if (unknown.length > 0) throw invalid('unknown_permission', `Unknown permission: ${unknown.join(', ')}`);
  const permissions = [...new Set(requested as readonly Permission[])].sort();
  if (role === 'manager' && MANAGER_LOCKED_PERMISSIONS.some((p) => !permissions.includes(p))) {
    throw conflict('manager_permission_locked', `Managers always keep ${MANAGER_LOCKED_PERMISSIONS.join(' and ')}`);
  }
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
