import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Actor, PersonRow } from '../authz/actor.js';
import { isPermission } from '../authz/permissions.js';
import type { Db } from '../db/database.js';
import { preparedPerDb } from '../db/prepared.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import { rolePermissions, users } from '../users/users.schema.js';
import { membershipColumns, membershipOf } from '../teams/membership.repository.js';
import { sessions } from './auth.schema.js';
import type { AccessClaims } from './tokens.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's columns: who they are, their role's permissions and their teams. */
export const actorColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  permissions: sql<string[]>`coalesce((select array_agg(${rolePermissions.permission}) from ${rolePermissions} where ${rolePermissions.role} = ${users.role}), '{}')`,
  ...membershipColumns(users.id),
};

/**
 * The caller's session is live and their account active, the ids given as the `sessionId`
 * and `userId` placeholders, over `sessions` joined to `users`: what every authenticated
 * request checks, alone or in the statement that reads what the request answers.
 */
export const liveSession = (): SQL | undefined =>
  and(eq(sessions.id, sql.placeholder('sessionId')), eq(users.id, sql.placeholder('userId')), isNull(sessions.revokedAt), eq(users.active, true));

// Every authenticated request runs this, so it is built and parsed once, not per request.
const actorQuery = preparedPerDb((db) =>
  db.select(actorColumns).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(liveSession()).prepare(PLAN_ONCE),
);

export type ActorRow = PersonRow;

/** Ids that cannot be a session's or a user's never reach the database. */
export const plausibleClaims = (claims: AccessClaims): boolean => UUID.test(claims.userId) && UUID.test(claims.sessionId);

export const actorOfRow = (row: ActorRow, sessionId: string): Actor => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  sessionId,
  permissions: new Set(row.permissions.filter(isPermission)),
  teams: membershipOf(row),
});

/**
 * The caller as the database knows them now: one round trip that also proves the
 * session is live and the user active, so revocations apply on the next request.
 */
export async function loadActor(db: Db, userId: string, sessionId: string): Promise<Actor | null> {
  if (!plausibleClaims({ userId, sessionId })) return null;
  const [row] = await actorQuery(db).execute({ userId, sessionId });
  return row ? actorOfRow(row, sessionId) : null;
}
