import { and, desc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/database.js';
import { preparedPerDb } from '../db/prepared.js';
import { users } from '../users/users.schema.js';
import type { TicketPriority, TicketStatus } from './ticket-status.js';
import { ticketMessages, tickets } from './tickets.schema.js';

/** A ticket row without its search document and the SLA check's and reports' bookkeeping, which nobody reads back. */
export type TicketRow = Omit<
  typeof tickets.$inferSelect,
  'search' | 'resolutionAssigneeId' | 'firstResponseBreached' | 'resolutionBreached'
>;

/** A ticket with the names the API shows beside requester and assignee ids. */
export interface TicketView extends TicketRow {
  requesterName: string;
  assigneeName: string | null;
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
  version: tickets.version,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
  firstResponseAt: tickets.firstResponseAt,
  firstResponderId: tickets.firstResponderId,
  resolvedAt: tickets.resolvedAt,
  closedAt: tickets.closedAt,
  firstResponseDueAt: tickets.firstResponseDueAt,
  resolutionDueAt: tickets.resolutionDueAt,
};

const requester = alias(users, 'requester');
const assignee = alias(users, 'assignee');

function selectTicketViews(db: Db) {
  return db
    .select({ ...ticketColumns, requesterName: requester.name, assigneeName: assignee.name })
    .from(tickets)
    .innerJoin(requester, eq(requester.id, tickets.requesterId))
    .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
    .$dynamic();
}

export interface NewTicket {
  subject: string;
  description: string;
  priority: TicketPriority;
  requesterId: string;
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

// Reading one ticket is the commonest request: both shapes are built and parsed once.
const ticketViewQuery = preparedPerDb((db) =>
  selectTicketViews(db).where(eq(tickets.id, sql.placeholder('id'))).prepare('ticket_view'),
);
const requesterTicketViewQuery = preparedPerDb((db) =>
  selectTicketViews(db)
    .where(and(eq(tickets.id, sql.placeholder('id')), eq(tickets.requesterId, sql.placeholder('requesterId'))))
    .prepare('ticket_view_of_requester'),
);

/** A ticket with its people's names; with `requesterId` (from `visibleRequester`), only if it is theirs. */
export async function findTicketView(db: Db, id: string, requesterId: string | undefined): Promise<TicketView | undefined> {
  const [row] =
    requesterId === undefined
      ? await ticketViewQuery(db).execute({ id })
      : await requesterTicketViewQuery(db).execute({ id, requesterId });
  return row;
}

export async function findTicket(db: Db, id: string, visibility: SQL | undefined): Promise<TicketRow | undefined> {
  const [row] = await db.select(ticketColumns).from(tickets).where(and(eq(tickets.id, id), visibility));
  return row;
}

/** Reads and row-locks a ticket, so concurrent writers to it queue behind this transaction. */
export async function lockTicket(tx: Db, id: string, visibility: SQL | undefined): Promise<TicketRow | undefined> {
  const [row] = await tx
    .select(ticketColumns)
    .from(tickets)
    .where(and(eq(tickets.id, id), visibility))
    .for('update');
  return row;
}

export type TicketChanges = Partial<
  Pick<TicketRow, 'status' | 'priority' | 'assigneeId' | 'resolvedAt' | 'closedAt' | 'firstResponseAt' | 'firstResponderId'>
>;

/** The values a change was decided on; the write lands only while they still hold. */
export interface TicketExpectation {
  status?: TicketStatus;
  priority?: TicketPriority;
  /** null: the ticket must still be unassigned. */
  assigneeId?: string | null;
  /** From If-Match: the ticket must still be at one of these versions. */
  versions?: readonly number[];
}

function expectationConditions(expect: TicketExpectation): (SQL | undefined)[] {
  return [
    expect.status === undefined ? undefined : eq(tickets.status, expect.status),
    expect.priority === undefined ? undefined : eq(tickets.priority, expect.priority),
    expect.assigneeId === undefined ? undefined : assigneeCondition(expect.assigneeId),
    expect.versions === undefined ? undefined : inArray(tickets.version, [...expect.versions]),
  ];
}

/**
 * Applies changes only if the expectation still holds when the row is written (a
 * compare-and-set in one UPDATE, so two writers can never both act on the same old
 * value). Returns the row as written, or undefined when the expectation did not hold and
 * nothing was written. Bumps the version (the ETag) and updatedAt.
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
    .set({ ...changes, updatedAt: now, version: sql`${tickets.version} + 1` })
    .where(and(eq(tickets.id, id), ...expectationConditions(expect)))
    .returning(ticketColumns);
  return row;
}

export interface TicketListFilter {
  visibility: SQL | undefined;
  statuses?: readonly TicketStatus[] | undefined;
  priority?: TicketPriority | undefined;
  /** A user id, or null for unassigned tickets. */
  assigneeId?: string | null | undefined;
  requesterId?: string | undefined;
  search?: string | undefined;
  /** Keyset: only tickets numbered below this (the last number of the previous page). */
  beforeNumber?: number | undefined;
  limit: number;
}

/**
 * How many of the newest tickets that pass a search's other filters are tested row by row
 * before the search turns to the full-text indexes.
 */
export const SEARCH_WINDOW = 2000;

/**
 * The numbers of the tickets a search finds, at most `limit` of them, newest first. Full
 * text over subject and description, and over public messages only: an internal note
 * never produces a hit, whoever searches.
 *
 * One OR of the ticket and message tests would defeat both GIN indexes, and PostgreSQL
 * would test ticket after ticket, newest first: minutes at a million tickets for a common
 * word, seconds for a rare one. Instead the newest SEARCH_WINDOW tickets that pass the
 * filters are tested one by one, newest first, stopping at a page: a common word costs a
 * few dozen tickets. The lateral LIMIT 1 keeps each ticket's message test an index probe;
 * as an EXISTS the planner may swap it for a hash of every matching message, which it
 * does when it underestimates a phrase ("invoice duplicate": a second at 1M). Only when
 * the window holds less than a page and older tickets may pass the filters do the GIN
 * indexes give every hit, which is cheap because a word that rare in the window is rare;
 * the union drops the window's hits found twice. Each step is MATERIALIZED so the
 * planner cannot push the final LIMIT into the index branches (that brings the
 * newest-first walk back), and `older.needed` is a constant to it, so a skipped branch
 * never starts its index scan.
 */
function searchHits(text: string, filters: SQL | undefined, limit: number): SQL {
  const filtered = filters ?? sql`true`;
  const query = sql`websearch_to_tsquery('english', ${text})`;
  return sql`with q as materialized (select ${query} as query),
    newest_hits as materialized (
      select newest.number from (
        select ${tickets.id} as id, ${tickets.number} as number, ${tickets.search} as search from ${tickets}
        where ${filtered} order by ${tickets.number} desc limit ${SEARCH_WINDOW}
      ) newest
      left join lateral (
        select true as found from ${ticketMessages}
        where ${ticketMessages.ticketId} = newest.id and not ${ticketMessages.internal} and ${ticketMessages.search} @@ ${query}
        limit 1
      ) message on true
      where newest.search @@ ${query} or message.found
      order by newest.number desc limit ${limit}),
    older as materialized (
      select (select count(*) from newest_hits) < ${limit}
        and (select count(*) from (select from ${tickets} where ${filtered} limit ${SEARCH_WINDOW}) passing) = ${SEARCH_WINDOW} as needed),
    ticket_hits as materialized (
      select ${tickets.number} as number from ${tickets}, q
      where (select needed from older) and ${tickets.search} @@ q.query and ${filtered}),
    message_tickets as materialized (
      select distinct ${ticketMessages.ticketId} as ticket_id from ${ticketMessages}, q
      where (select needed from older) and not ${ticketMessages.internal} and ${ticketMessages.search} @@ q.query),
    message_hits as materialized (
      select ${tickets.number} as number from message_tickets join ${tickets} on ${tickets.id} = message_tickets.ticket_id
      where ${filtered})
    select number from (
      select number from newest_hits union select number from ticket_hits union select number from message_hits
    ) hits order by number desc limit ${limit}`;
}

function assigneeCondition(assigneeId: string | null | undefined): SQL | undefined {
  if (assigneeId === undefined) return undefined;
  return assigneeId === null ? isNull(tickets.assigneeId) : eq(tickets.assigneeId, assigneeId);
}

/** Newest first by number; a number never changes, so pages neither skip nor repeat while tickets are added. */
export async function listTicketViews(db: Db, filter: TicketListFilter): Promise<TicketView[]> {
  const filters = and(
    filter.visibility,
    filter.statuses ? inArray(tickets.status, [...filter.statuses]) : undefined,
    filter.priority ? eq(tickets.priority, filter.priority) : undefined,
    assigneeCondition(filter.assigneeId),
    filter.requesterId ? eq(tickets.requesterId, filter.requesterId) : undefined,
    filter.beforeNumber === undefined ? undefined : lt(tickets.number, filter.beforeNumber),
  );
  const selected = filter.search
    ? sql`${tickets.number} = any(array(${searchHits(filter.search, filters, filter.limit)}))`
    : filters;
  return selectTicketViews(db).where(selected).orderBy(desc(tickets.number)).limit(filter.limit);
}
