import { and, eq, inArray, isNull, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { askedBy, type TicketVisibility } from '../authz/policies/ticket.js';
import type { Db } from '../db/database.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import { preparedPerDb } from '../db/prepared.js';
import { teams } from '../teams/teams.schema.js';
import { attachmentsJson, type AttachmentSummary } from '../attachments/attachments.repository.js';
import { actorColumns, liveSession, plausibleClaims, type ActorRow } from '../auth/actor.repository.js';
import { sessions } from '../auth/auth.schema.js';
import type { AccessClaims } from '../auth/tokens.js';
import { users } from '../users/users.schema.js';
import type { TicketPriority, TicketStatus } from './ticket-status.js';
import { ticketEvents, tickets } from './tickets.schema.js';

/** A ticket row without its search documents and the SLA check's and reports' bookkeeping, which nobody reads back. */
export type TicketRow = Omit<
  typeof tickets.$inferSelect,
  'publicSearch' | 'staffSearch' | 'resolutionAssigneeId' | 'firstResponseBreached' | 'resolutionBreached'
>;

/** A ticket with the names the API shows beside requester and assignee ids. */
export interface TicketView extends TicketRow {
  requesterName: string;
  assigneeName: string | null;
  teamName: string | null;
}

const ticketColumns = {
  id: tickets.id,
  number: tickets.number,
  subject: tickets.subject,
  description: tickets.description,
  status: tickets.status,
  priority: tickets.priority,
  requesterId: tickets.requesterId,
  assigneeId: tickets.assigneeId,
  teamId: tickets.teamId,
  version: tickets.version,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
  firstResponseAt: tickets.firstResponseAt,
  firstResponderId: tickets.firstResponderId,
  resolvedAt: tickets.resolvedAt,
  closedAt: tickets.closedAt,
  firstResponseDueAt: tickets.firstResponseDueAt,
  resolutionDueAt: tickets.resolutionDueAt,
  tags: tickets.tags,
};

const requester = alias(users, 'requester');
const assignee = alias(users, 'assignee');
const ticketViewColumns = { ...ticketColumns, requesterName: requester.name, assigneeName: assignee.name, teamName: teams.name };

export function selectTicketViews(db: Db) {
  return db
    .select(ticketViewColumns)
    .from(tickets)
    .innerJoin(requester, eq(requester.id, tickets.requesterId))
    .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
    .leftJoin(teams, eq(teams.id, tickets.teamId))
    .$dynamic();
}

export interface NewTicket {
  subject: string;
  description: string;
  priority: TicketPriority;
  requesterId: string;
  teamId: string | null;
  createdAt: Date;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
}

export async function insertTicket(tx: Db, ticket: NewTicket): Promise<TicketRow> {
  const [row] = await tx
    .insert(tickets)
    .values({ ...ticket, status: 'open', updatedAt: ticket.createdAt })
    .returning(ticketColumns);
  if (!row) throw new Error('ticket insert returned nothing');
  return row;
}

/** An entry of a ticket's history as its row (as `ticketEventRow` builds it; not imported from there, which imports this folder's types). */
type TicketEventInsert = typeof ticketEvents.$inferInsert;

/** The id of the history entry a change's statement recorded with it (a data-modifying WITH named `recorded`). */
const recordedEventId = sql<number>`(select id from recorded)`;

/**
 * Opens a ticket (its id chosen by the caller) and records the first entry of its history in
 * the same statement: one round trip for both. Returns the row and the entry's id.
 */
export async function insertTicketRecording(
  tx: Db,
  ticket: NewTicket & { id: string },
  entry: TicketEventInsert,
): Promise<{ ticket: TicketRow; eventId: number }> {
  const recorded = tx.$with('recorded').as(tx.insert(ticketEvents).values(entry).returning({ id: ticketEvents.id }));
  const [row] = await tx
    .with(recorded)
    .insert(tickets)
    .values({ ...ticket, status: 'open', updatedAt: ticket.createdAt })
    .returning({ ...ticketColumns, eventId: recordedEventId })
    .prepare(PLAN_ONCE)
    .execute();
  if (!row) throw new Error('ticket insert returned nothing');
  const { eventId, ...opened } = row;
  return { ticket: opened, eventId };
}

// Reading one ticket is the commonest request: both shapes are built and parsed once.
const ticketViewQuery = preparedPerDb((db) =>
  selectTicketViews(db).where(eq(tickets.id, sql.placeholder('id'))).prepare(PLAN_ONCE),
);
const requesterTicketViewQuery = preparedPerDb((db) =>
  selectTicketViews(db)
    .where(and(eq(tickets.id, sql.placeholder('id')), askedBy(sql.placeholder('requesterId'))))
    .prepare(PLAN_ONCE),
);

/**
 * A ticket with its people's names, if `visibility` (from `ticketVisibility`) lets it be
 * seen: the two common shapes (everyone's, the requester's own) run prepared.
 */
export async function findTicketView(db: Db, id: string, visibility: TicketVisibility): Promise<TicketView | undefined> {
  if (visibility.kind === 'all') return (await ticketViewQuery(db).execute({ id }))[0];
  if (visibility.kind === 'own') return (await requesterTicketViewQuery(db).execute({ id, requesterId: visibility.requesterId }))[0];
  const [row] = await selectTicketViews(db).where(and(eq(tickets.id, id), visibility.filter));
  return row;
}

/** The ticket's own files (those given with its description), oldest first, as one JSON column. */
const ownAttachments = attachmentsJson(sql`a.ticket_id = ${tickets.id} and a.message_id is null`);

// Reading a ticket is the commonest request: the caller's session check, the ticket and its files in one statement.
const callerAndTicketQuery = preparedPerDb((db) =>
  db
    .select({ actor: actorColumns, ticket: ticketViewColumns, attachments: ownAttachments })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(tickets, eq(tickets.id, sql.placeholder('id')))
    .leftJoin(requester, eq(requester.id, tickets.requesterId))
    .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
    .leftJoin(teams, eq(teams.id, tickets.teamId))
    .where(liveSession())
    .prepare(PLAN_ONCE),
);

/**
 * The caller of a request, if their session is live and their account active, with a ticket
 * by id (whoever may see it: the caller decides) and its own files. Undefined: no live session.
 */
export async function findCallerAndTicket(
  db: Db,
  claims: AccessClaims,
  id: string,
): Promise<{ actor: ActorRow; ticket: TicketView | undefined; attachments: AttachmentSummary[] } | undefined> {
  if (!plausibleClaims(claims)) return undefined;
  const [row] = await callerAndTicketQuery(db).execute({ id, userId: claims.userId, sessionId: claims.sessionId });
  if (!row) return undefined;
  // Left-joined, the ticket's columns are all null when there is no such ticket; when there
  // is one, its not-null columns and its requester (a foreign key) are there as in `TicketView`.
  const ticket = row.ticket?.id ? (row.ticket as TicketView) : undefined;
  return { actor: row.actor, ticket, attachments: row.attachments };
}

export async function findTicket(db: Db, id: string, visibility: SQL | undefined): Promise<TicketRow | undefined> {
  // A key lookup: one plan serves any id and any caller.
  const [row] = await db
    .select(ticketColumns)
    .from(tickets)
    .where(and(eq(tickets.id, id), visibility))
    .prepare(PLAN_ONCE)
    .execute();
  return row;
}

export async function findTicketsByIds(db: Db, ids: readonly string[]): Promise<TicketRow[]> {
  if (ids.length === 0) return [];
  return db.select(ticketColumns).from(tickets).where(inArray(tickets.id, [...ids]));
}

/** Reads and row-locks a ticket, so concurrent writers to it queue behind this transaction. */
export async function lockTicket(tx: Db, id: string, visibility: SQL | undefined): Promise<TicketRow | undefined> {
  const [row] = await tx
    .select(ticketColumns)
    .from(tickets)
    .where(and(eq(tickets.id, id), visibility))
    .for('update')
    .prepare(PLAN_ONCE)
    .execute();
  return row;
}

/**
 * The tickets `visibility` lets through that carry `tag`, locked for a change, at most
 * `limit` of them: a desk-wide rename takes them all in one transaction.
 */
export async function lockTicketsTagged(tx: Db, tag: string, visibility: SQL | undefined, limit: number): Promise<TicketRow[]> {
  return tx
    .select(ticketColumns)
    .from(tickets)
    .where(and(carriesTag(tag), visibility))
    .orderBy(tickets.id)
    .limit(limit)
    .for('update');
}

export type TicketChanges = Partial<
  Pick<TicketRow, 'status' | 'priority' | 'assigneeId' | 'teamId' | 'resolvedAt' | 'closedAt' | 'firstResponseAt' | 'firstResponderId' | 'tags'>
>;

/** The values a change was decided on; the write lands only while they still hold. */
export interface TicketExpectation {
  status?: TicketStatus;
  priority?: TicketPriority;
  /** null: the ticket must still be unassigned. */
  assigneeId?: string | null;
  /** From If-Match: the ticket must still be at one of these versions. */
  versions?: readonly number[];
  tags?: readonly string[];
}

/** A text[] value, written out so that both drivers bind it alike (an empty one included). */
export const textArray = (values: readonly string[]): SQL =>
  sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;

/** Through the GIN index on tags. */
export const carriesTag = (tag: string | Placeholder): SQL => sql`${tickets.tags} @> array[${tag}]::text[]`;

function assigneeCondition(assigneeId: string | null): SQL {
  return assigneeId === null ? isNull(tickets.assigneeId) : eq(tickets.assigneeId, assigneeId);
}

function expectationConditions(expect: TicketExpectation): (SQL | undefined)[] {
  return [
    expect.status === undefined ? undefined : eq(tickets.status, expect.status),
    expect.priority === undefined ? undefined : eq(tickets.priority, expect.priority),
    expect.assigneeId === undefined ? undefined : assigneeCondition(expect.assigneeId),
    expect.versions === undefined ? undefined : inArray(tickets.version, [...expect.versions]),
    expect.tags === undefined ? undefined : sql`${tickets.tags} = ${textArray(expect.tags)}`,
  ];
}

/**
 * Applies changes only if the expectation still holds when the row is written (a
 * compare-and-set in one UPDATE, so two writers can never both act on the same old
 * value). Returns the row as written, or undefined when the expectation did not hold and
 * nothing was written. Bumps the version (the ETag) and updatedAt, except for a change of
 * tags alone: tags are internal, and a customer must not see their ticket move for one.
 */
export async function updateTicketIf(
  tx: Db,
  id: string,
  changes: TicketChanges,
  now: Date,
  expect: TicketExpectation = {},
): Promise<TicketRow | undefined> {
  const [row] = await tx
    .update(tickets)
    .set(changeSet(changes, now))
    .where(and(eq(tickets.id, id), ...expectationConditions(expect)))
    .returning(ticketColumns);
  return row;
}

/**
 * Changes a ticket the caller holds locked and records an entry of its history in the same
 * statement: one round trip for both. Returns the row as written and the entry's id.
 */
export async function updateLockedTicketRecording(
  tx: Db,
  id: string,
  changes: TicketChanges,
  now: Date,
  entry: TicketEventInsert,
): Promise<{ ticket: TicketRow; eventId: number }> {
  const recorded = tx.$with('recorded').as(tx.insert(ticketEvents).values(entry).returning({ id: ticketEvents.id }));
  const [row] = await tx
    .with(recorded)
    .update(tickets)
    .set(changeSet(changes, now))
    .where(eq(tickets.id, id))
    .returning({ ...ticketColumns, eventId: recordedEventId })
    .prepare(PLAN_ONCE)
    .execute();
  if (!row) throw new Error('a locked ticket was not there to update');
  const { eventId, ...ticket } = row;
  return { ticket, eventId };
}

/** Bumps the version (the ETag) and updatedAt, except for a change of tags alone (see `updateTicketIf`). */
function changeSet(changes: TicketChanges, now: Date) {
  const { tags, ...visible } = changes;
  const touched = Object.keys(visible).length > 0 || tags === undefined;
  return {
    ...visible,
    ...(tags === undefined ? {} : { tags: textArray(tags) }),
    ...(touched ? { updatedAt: now, version: sql`${tickets.version} + 1` } : {}),
  };
}
