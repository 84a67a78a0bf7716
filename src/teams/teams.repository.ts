import { and, asc, eq, gt, inArray, ne, or, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import { users } from '../users/users.schema.js';
import type { RoutingConditions } from './routing.js';
import type { AssignmentMode } from './team-settings.js';
import { routingRules, teamMembers, teams } from './teams.schema.js';

export type TeamRow = typeof teams.$inferSelect;
export type RoutingRuleRow = typeof routingRules.$inferSelect;

export interface TeamSettings {
  name: string;
  restrictAgents: boolean;
  assignment: AssignmentMode;
  isDefault: boolean;
}

export interface TeamMemberRow {
  teamId: string;
  userId: string;
  name: string;
}

/** Inserts a team; undefined when the name is taken (names are unique regardless of case). */
export async function insertTeam(tx: Db, settings: TeamSettings, now: Date): Promise<TeamRow | undefined> {
  const [row] = await tx
    .insert(teams)
    .values({ ...settings, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function findTeam(db: Db, id: string): Promise<TeamRow | undefined> {
  const [row] = await db.select().from(teams).where(eq(teams.id, id));
  return row;
}

export async function nameTaken(db: Db, name: string, exceptId: string | undefined): Promise<boolean> {
  const [row] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(sql`lower(${teams.name}) = lower(${name})`, exceptId === undefined ? undefined : ne(teams.id, exceptId)));
  return row !== undefined;
}

export async function updateTeam(tx: Db, id: string, changes: Partial<TeamSettings>, now: Date): Promise<TeamRow | undefined> {
  const [row] = await tx
    .update(teams)
    .set({ ...changes, updatedAt: now })
    .where(eq(teams.id, id))
    .returning();
  return row;
}

/** The default team is one at most: another team that was it stops being it. */
export async function clearDefaultTeam(tx: Db, exceptId: string | undefined): Promise<void> {
  await tx
    .update(teams)
    .set({ isDefault: false })
    .where(and(eq(teams.isDefault, true), exceptId === undefined ? undefined : ne(teams.id, exceptId)));
}

export async function deleteTeam(tx: Db, id: string): Promise<boolean> {
  const rows = await tx.delete(teams).where(eq(teams.id, id)).returning({ id: teams.id });
  return rows.length > 0;
}

/** By name, keyset on (name, id). */
export async function listTeams(db: Db, options: { after: { name: string; id: string } | undefined; limit: number }): Promise<TeamRow[]> {
  const { after } = options;
  return db
    .select()
    .from(teams)
    .where(after ? or(gt(teams.name, after.name), and(eq(teams.name, after.name), gt(teams.id, after.id))) : undefined)
    .orderBy(asc(teams.name), asc(teams.id))
    .limit(options.limit);
}

export async function membersOf(db: Db, teamIds: readonly string[]): Promise<TeamMemberRow[]> {
  if (teamIds.length === 0) return [];
  return db
    .select({ teamId: teamMembers.teamId, userId: teamMembers.userId, name: users.name })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(inArray(teamMembers.teamId, [...teamIds]))
    .orderBy(asc(users.name), asc(users.id));
}

export async function addMember(tx: Db, teamId: string, userId: string, now: Date): Promise<void> {
  await tx.insert(teamMembers).values({ teamId, userId, createdAt: now }).onConflictDoNothing();
}

export async function removeMember(tx: Db, teamId: string, userId: string): Promise<boolean> {
  const rows = await tx
    .delete(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
    .returning({ userId: teamMembers.userId });
  return rows.length > 0;
}

export async function routingRulesInOrder(db: Db): Promise<RoutingRuleRow[]> {
  return db.select().from(routingRules).orderBy(asc(routingRules.position), asc(routingRules.createdAt));
}

export async function insertRoutingRule(
  tx: Db,
  rule: { name: string; conditions: RoutingConditions; teamId: string },
  now: Date,
): Promise<RoutingRuleRow> {
  const [row] = await tx
    .insert(routingRules)
    .values({ ...rule, position: sql`coalesce((select max(${routingRules.position}) from ${routingRules}), 0) + 1`, createdAt: now })
    .returning();
  if (!row) throw new Error('routing rule insert returned nothing');
  return row;
}

export async function deleteRoutingRule(tx: Db, id: string): Promise<boolean> {
  const rows = await tx.delete(routingRules).where(eq(routingRules.id, id)).returning({ id: routingRules.id });
  return rows.length > 0;
}

export interface RoutingChoice {
  /** Both null for the default team, which comes last. */
  ruleId: string | null;
  conditions: RoutingConditions | null;
  teamId: string;
  teamName: string;
}

/** Everything routing a new ticket needs, in one round trip: the rules in order with their teams' names, then the default team. */
export async function routingChoices(db: Db): Promise<RoutingChoice[]> {
  const rows = await queryRows<{ rule_id: string | null; conditions: RoutingConditions | null; team_id: string; team_name: string }>(
    db,
    sql`select rule_id, conditions, team_id, team_name from (
          select r.id as rule_id, r.conditions, t.id as team_id, t.name as team_name, 0 as rank, r.position, r.created_at
          from routing_rules r join teams t on t.id = r.team_id
          union all
          select null, null, t.id, t.name, 1, 0, t.created_at from teams t where t.is_default
        ) choices order by rank, position, created_at`,
    PLAN_ONCE,
  );
  return rows.map((row) => ({ ruleId: row.rule_id, conditions: row.conditions, teamId: row.team_id, teamName: row.team_name }));
}
