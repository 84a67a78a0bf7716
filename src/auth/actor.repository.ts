import { sql } from 'drizzle-orm';
import type { Actor } from '../authz/actor.js';
import { isPermission, type Role } from '../authz/permissions.js';
import { queryRows, type Db } from '../db/database.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ActorRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  permissions: string[];
}

/**
 * The caller as the database knows them now: one round trip that also proves the
 * session is live and the user active, so revocations apply on the next request.
 */
export async function loadActor(db: Db, userId: string, sessionId: string): Promise<Actor | null> {
  if (!UUID.test(userId) || !UUID.test(sessionId)) return null;
  const rows = await queryRows<ActorRow>(
    db,
    sql`select u.id, u.email, u.name, u.role,
          coalesce((select array_agg(rp.permission) from role_permissions rp where rp.role = u.role), '{}') as permissions
        from sessions s join users u on u.id = s.user_id
        where s.id = ${sessionId} and u.id = ${userId} and s.revoked_at is null and u.active`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    sessionId,
    permissions: new Set(row.permissions.filter(isPermission)),
  };
}
