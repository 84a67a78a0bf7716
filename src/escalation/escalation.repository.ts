import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, notExists, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { TicketStatus } from '../tickets/ticket-status.js';
import { textArray } from '../tickets/tickets.repository.js';
import { tickets } from '../tickets/tickets.schema.js';
import type { RuleActions, RuleConditions } from './escalation-rule.js';
import { escalationApplications, escalationRules } from './escalation.schema.js';

export type RuleRow = typeof escalationRules.$inferSelect;

export interface NewRule {
  name: string;
  enabled: boolean;
  conditions: RuleConditions;
  actions: RuleActions;
}

export async function insertRule(db: Db, rule: NewRule, now: Date): Promise<RuleRow> {
  const [row] = await db
    .insert(escalationRules)
    .values({ ...rule, createdAt: now, updatedAt: now })
    .returning();
  if (!row) throw new Error('escalation rule insert returned nothing');
  return row;
}

export async function findRule(db: Db, id: string): Promise<RuleRow | undefined> {
  const [row] = await db.select().from(escalationRules).where(eq(escalationRules.id, id));
  return row;
}

/** Oldest first (the order rules are evaluated in), keyset on (created_at, id). */
export async function listRules(
  db: Db,
  options: { after: { createdAt: Date; id: string } | undefined; limit: number },
): Promise<RuleRow[]> {
  const { after } = options;
  return db
    .select()
    .from(escalationRules)
    .where(
      after
        ? or(
            gt(escalationRules.createdAt, after.createdAt),
            and(eq(escalationRules.createdAt, after.createdAt), gt(escalationRules.id, after.id)),
          )
        : undefined,
    )
    .orderBy(asc(escalationRules.createdAt), asc(escalationRules.id))
    .limit(options.limit);
}

export async function enabledRules(db: Db): Promise<RuleRow[]> {
  return db
    .select()
    .from(escalationRules)
    .where(eq(escalationRules.enabled, true))
    .orderBy(asc(escalationRules.createdAt), asc(escalationRules.id));
}

export async function updateRule(db: Db, id: string, changes: Partial<NewRule>, now: Date): Promise<RuleRow | undefined> {
  const [row] = await db
    .update(escalationRules)
    .set({ ...changes, updatedAt: now })
    .where(eq(escalationRules.id, id))
    .returning();
  return row;
}

export async function deleteRule(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(escalationRules).where(eq(escalationRules.id, id)).returning({ id: escalationRules.id });
  return rows.length === 1;
}

/** Without a status condition a rule looks at tickets still being worked on only. */
const WORKING_STATUSES: readonly TicketStatus[] = ['open', 'in_progress', 'waiting_on_customer', 'escalated'];

/**
 * A rule's conditions as one SQL condition on `tickets`, so matching runs in the
 * database. The minute conditions count calendar minutes before `now`.
 */
export function ruleMatches(conditions: RuleConditions, now: Date): SQL | undefined {
  const before = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const {
    satisfaction,
    // A rating is given once the ticket is resolved: a rule on ratings looks at resolved tickets too.
    statuses = satisfaction === undefined ? WORKING_STATUSES : [...WORKING_STATUSES, 'resolved'],
    priorities,
    unassigned,
    minutesSinceCreated,
    minutesWithoutFirstResponse,
    minutesSinceUpdate,
    tags,
  } = conditions;
  return and(
    inArray(tickets.status, [...statuses]),
    priorities ? inArray(tickets.priority, priorities) : undefined,
    unassigned === undefined ? undefined : unassigned ? isNull(tickets.assigneeId) : isNotNull(tickets.assigneeId),
    minutesSinceCreated === undefined ? undefined : lte(tickets.createdAt, before(minutesSinceCreated)),
    minutesWithoutFirstResponse === undefined
      ? undefined
      : and(isNull(tickets.firstResponseAt), lte(tickets.createdAt, before(minutesWithoutFirstResponse))),
    minutesSinceUpdate === undefined ? undefined : lte(tickets.updatedAt, before(minutesSinceUpdate)),
    satisfaction === undefined
      ? undefined
      : sql`exists (select 1 from satisfaction_ratings r where r.ticket_id = ${tickets.id} and r.rating = ${satisfaction})`,
    // Any of them: overlap, through the GIN index on tags.
    tags === undefined ? undefined : sql`${tickets.tags} && ${textArray(tags)}`,
  );
}

/** Tickets the rule matches now and has not acted on yet, oldest first. */
export async function matchingTicketIds(db: Db, rule: RuleRow, now: Date, limit: number): Promise<string[]> {
  const applied = db
    .select({ one: sql`1` })
    .from(escalationApplications)
    .where(and(eq(escalationApplications.ruleId, rule.id), eq(escalationApplications.ticketId, tickets.id)));
  const rows = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(ruleMatches(rule.conditions, now), notExists(applied)))
    .orderBy(asc(tickets.number))
    .limit(limit);
  return rows.map((row) => row.id);
}

/**
 * Claims the (rule, ticket) pair in the caller's transaction. False when it was already
 * claimed: then another run acted (or is acting) and this one must not.
 */
export async function claimApplication(tx: Db, ruleId: string, ticketId: string, now: Date): Promise<boolean> {
  const rows = await tx
    .insert(escalationApplications)
    .values({ ruleId, ticketId, appliedAt: now })
    .onConflictDoNothing()
    .returning({ ruleId: escalationApplications.ruleId });
  return rows.length === 1;
}
