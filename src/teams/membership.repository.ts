import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { TeamMembership } from '../authz/actor.js';
import type { Db } from '../db/database.js';
import { users } from '../users/users.schema.js';

/**
 * A user's teams as two columns of whatever query loads them with their permissions (the
 * caller of a request, a stream's connections, a notification's recipients), so team
 * scoping is read as fresh as permissions are. `userId` is the users row's id column.
 */
export const membershipColumns = (userId: SQLWrapper): { team_ids: SQL<string[]>; teams_restricted: SQL<boolean> } => ({
  team_ids: sql<string[]>`coalesce((select array_agg(tm.team_id::text order by tm.team_id) from team_members tm where tm.user_id = ${userId}), '{}')`,
  teams_restricted: sql<boolean>`exists (select 1 from team_members tm join teams t on t.id = tm.team_id where tm.user_id = ${userId} and t.restrict_agents)`,
});

/** The same columns inside a raw SQL select list. */
export const membershipSelect = (userId: SQLWrapper): SQL => {
  const columns = membershipColumns(userId);
  return sql`${columns.team_ids} as team_ids, ${columns.teams_restricted} as teams_restricted`;
};

export const membershipOf = (row: { team_ids: string[]; teams_restricted: boolean }): TeamMembership => ({
  ids: row.team_ids,
  restricted: row.teams_restricted,
});

/** One user's teams, for an actor made without a request (a staff member answering by mail). */
export async function loadMembership(db: Db, userId: string): Promise<TeamMembership> {
  const [row] = await db.select(membershipColumns(users.id)).from(users).where(eq(users.id, userId));
  return row ? membershipOf(row) : { ids: [], restricted: false };
}
