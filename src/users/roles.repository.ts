import { eq } from 'drizzle-orm';
import type { Permission, Role } from '../authz/permissions.js';
import type { Db } from '../db/database.js';
import { rolePermissions } from './users.schema.js';

export async function permissionsByRole(db: Db): Promise<Map<Role, string[]>> {
  const rows = await db.select().from(rolePermissions).orderBy(rolePermissions.role, rolePermissions.permission);
  const byRole = new Map<Role, string[]>();
  for (const row of rows) byRole.set(row.role, [...(byRole.get(row.role) ?? []), row.permission]);
  return byRole;
}

/** Replaces a role's permissions; the row lock on the role's permissions serializes concurrent edits. */
export async function replaceRolePermissions(db: Db, role: Role, permissions: readonly Permission[]): Promise<string[]> {
  const before = await db.select().from(rolePermissions).where(eq(rolePermissions.role, role)).for('update');
  await db.delete(rolePermissions).where(eq(rolePermissions.role, role));
  if (permissions.length > 0) {
    await db.insert(rolePermissions).values(permissions.map((permission) => ({ role, permission })));
  }
  return before.map((row) => row.permission);
}
