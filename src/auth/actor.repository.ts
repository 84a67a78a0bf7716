import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../authz/actor.js';
import { isPermission } from '../authz/permissions.js';
import type { Db } from '../db/database.js';
import { preparedPerDb } from '../db/prepared.js';
import { rolePermissions, users } from '../users/users.schema.js';
import { membershipColumns, membershipOf } from '../teams/membership.repository.js';
import { sessions } from './auth.schema.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Every authenticated request runs this, so it is built and parsed once, not per request.
const actorQuery = preparedPerDb((db) =>
  db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      permissions: sql<string[]>`coalesce((select array_agg(${rolePermissions.permission}) from ${rolePermissions} where ${rolePermissions.role} = ${users.role}), '{}')`,
      ...membershipColumns(users.id),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sql.placeholder('sessionId')),
        eq(users.id, sql.placeholder('userId')),
        isNull(sessions.revokedAt),
        eq(users.active, true),
      ),
    )
    .prepare('load_actor'),
);

/**
 * The caller as the database knows them now: one round trip that also proves the
 * session is live and the user active, so revocations apply on the next request.
 */
export async function loadActor(db: Db, userId: string, sessionId: string): Promise<Actor | null> {
  if (!UUID.test(userId) || !UUID.test(sessionId)) return null;
  const [row] = await actorQuery(db).execute({ userId, sessionId });
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    sessionId,
    permissions: new Set(row.permissions.filter(isPermission)),
    teams: membershipOf(row),
  };
}
