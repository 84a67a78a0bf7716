import { eq, sql } from 'drizzle-orm';
import { activeStaffSql } from '../authz/roles.js';
import { queryRows, type Db } from '../db/database.js';
import type { AssignmentMode } from '../teams/team-settings.js';
import { teams } from '../teams/teams.schema.js';
import { agentPresence } from './assignment.schema.js';
import type { Availability } from './availability.js';
import type { Candidate } from './choose-agent.js';

/** A ticket counts against its assignee's capacity until it is resolved or closed. */
const OPEN = sql`t.status not in ('resolved', 'closed')`;
const openTicketsOf = (userId: ReturnType<typeof sql>) => sql`(select count(*) from tickets t where t.assignee_id = ${userId} and ${OPEN})`;

/**
 * The team's assignment settings, row-locked until the caller's transaction ends: every
 * process assigning a ticket of this team queues here, so each sees the turn and the open
 * counts the previous one committed, and no ticket is handed out twice or out of turn.
 */
export async function lockTeamTurn(tx: Db, teamId: string): Promise<{ assignment: AssignmentMode; lastAssigneeId: string | null } | undefined> {
  const [row] = await tx
    .select({ assignment: teams.assignment, lastAssigneeId: teams.lastAssigneeId })
    .from(teams)
    .where(eq(teams.id, teamId))
    // Not FOR UPDATE: the opening transaction's ticket row already holds a key-share lock on
    // this team (its foreign key), as do the others', and FOR UPDATE would wait on those
    // while they wait on it. NO KEY UPDATE still queues assigners behind one another.
    .for('no key update');
  return row;
}

export async function moveTurn(tx: Db, teamId: string, userId: string): Promise<void> {
  await tx.update(teams).set({ lastAssigneeId: userId }).where(eq(teams.id, teamId));
}

/** Members who may take a ticket now: active staff, available, below their capacity. */
export async function assignmentCandidates(tx: Db, teamId: string): Promise<Candidate[]> {
  const rows = await queryRows<{ user_id: string; open: number }>(
    tx,
    sql`select u.id as user_id, ${openTicketsOf(sql`u.id`)}::int as open
        from team_members m
        join users u on u.id = m.user_id
        left join agent_presence p on p.user_id = u.id
        where m.team_id = ${teamId}
          and ${activeStaffSql({ role: sql`u.role`, active: sql`u.active` })}
          and coalesce(p.availability, 'available') = 'available'
          and (p.max_open is null or ${openTicketsOf(sql`u.id`)} < p.max_open)`,
  );
  return rows.map((row) => ({ userId: row.user_id, open: row.open }));
}

export interface PresenceRow {
  userId: string;
  name: string;
  availability: Availability;
  maxOpen: number | null;
  openTickets: number;
}

/** Active staff (or one of them) with their availability; no row means available without a limit. */
export async function listPresence(db: Db, userId?: string): Promise<PresenceRow[]> {
  const rows = await queryRows<{ user_id: string; name: string; availability: Availability; max_open: number | null; open: number }>(
    db,
    sql`select u.id as user_id, u.name, coalesce(p.availability, 'available') as availability, p.max_open,
               ${openTicketsOf(sql`u.id`)}::int as open
        from users u left join agent_presence p on p.user_id = u.id
        where ${activeStaffSql({ role: sql`u.role`, active: sql`u.active` })}
          ${userId === undefined ? sql`` : sql`and u.id = ${userId}`}
        order by u.name, u.id`,
  );
  return rows.map((row) => ({ userId: row.user_id, name: row.name, availability: row.availability, maxOpen: row.max_open, openTickets: row.open }));
}

export async function savePresence(
  tx: Db,
  userId: string,
  changes: { availability?: Availability | undefined; maxOpen?: number | null | undefined },
  now: Date,
): Promise<void> {
  const set = {
    ...(changes.availability === undefined ? {} : { availability: changes.availability }),
    ...(changes.maxOpen === undefined ? {} : { maxOpen: changes.maxOpen }),
    updatedAt: now,
  };
  await tx
    .insert(agentPresence)
    .values({ userId, ...set })
    .onConflictDoUpdate({ target: agentPresence.userId, set });
}

/** The open tickets assigned to someone, row-locked: they are about to be handed back. */
export async function lockOpenTicketsOf(tx: Db, userId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select t.id from tickets t where t.assignee_id = ${userId} and ${OPEN} order by t.number for update`,
  );
  return rows.map((row) => row.id);
}
