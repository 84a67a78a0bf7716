import { and, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { TicketVisibility } from '../authz/policies/ticket.js';
import type { Db } from '../db/database.js';
import { preparedPerDb } from '../db/prepared.js';
import { teams } from '../teams/teams.schema.js';
import type { AttachmentSummary } from '../attachments/attachments.repository.js';
import { actorColumns, liveSession, plausibleClaims, type ActorRow } from '../auth/actor.repository.js';
import { sessions } from '../auth/auth.schema.js';
import type { AccessClaims } from '../auth/tokens.js';
import { users } from '../users/users.schema.js';
import type { TicketPriority, TicketStatus } from './ticket-status.js';
import { afterTicket, orderByClause, type TicketOrder } from './ticket-sort.js';
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

function selectTicketViews(db: Db) {
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
    .returning({ ...ticketColumns, eventId: recordedEventId });
  if (!row) throw new Error('ticket insert returned nothing');
  const { eventId, ...opened } = row;
  return { ticket: opened, eventId };
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
const ownAttachments = sql<AttachmentSummary[]>`(select coalesce(json_agg(json_build_object(
    'id', a.id, 'name', a.name, 'contentType', a.content_type, 'size', a.size) order by a.created_at, a.id), '[]')
  from attachments a where a.ticket_id = ${tickets.id} and a.message_id is null)`;

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
    .prepare('caller_and_ticket_view'),
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
  const [row] = await db.select(ticketColumns).from(tickets).where(and(eq(tickets.id, id), visibility));
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
    .for('update');
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
const carriesTag = (tag: string): SQL => sql`${tickets.tags} @> ${textArray([tag])}`;

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
    .returning({ ...ticketColumns, eventId: recordedEventId });
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

export interface TicketListFilter {
  visibility: SQL | undefined;
  statuses?: readonly TicketStatus[] | undefined;
  priority?: TicketPriority | undefined;
  /** A user id, or null for unassigned tickets. */
  assigneeId?: string | null | undefined;
  /** Team ids (any of them), or null for tickets of no team. */
  teamIds?: readonly string[] | null | undefined;
  requesterId?: string | undefined;
  /** Only tickets carrying this tag. */
  tag?: string | undefined;
  /** Created at or after. */
  createdFrom?: Date | undefined;
  /** Created before. */
  createdTo?: Date | undefined;
  search?: string | undefined;
  /** The search document the caller may read (from src/authz): internal notes only for those who may read them. */
  searchDocument: SQL;
  order: TicketOrder;
  /** Keyset: only tickets after this one in `order` (the last of the previous page). */
  afterNumber?: number | undefined;
  limit: number;
}

/** A bare number may be a ticket's, as agents quote them; otherwise 0, which numbers no ticket. */
function ticketNumberIn(text: string): number {
  return /^\d{1,9}$/.test(text) ? Number(text) : 0;
}

/**
 * The search box's text as a full-text query. Plain words are all required, each also as a
 * prefix once it holds a letter, so results follow as one types: `prin` finds `printer`. The
 * prefixes are stemmed like the indexed words (`printers` finds them too). Text with quotes,
 * `or` or `-word` is read as a web search reads it.
 */
function searchQuery(text: string): SQL {
  const words = text.split(/\s+/);
  const plain = words.every((word) => /^[\p{L}\p{N}]+$/u.test(word) && word.toLowerCase() !== 'or');
  if (!plain) return sql`websearch_to_tsquery('english', ${text})`;
  const prefixes = words.map((word) => (/\p{L}/u.test(word) ? `${word}:*` : word)).join(' & ');
  return sql`to_tsquery('english', ${prefixes})`;
}

function assigneeCondition(assigneeId: string | null | undefined): SQL | undefined {
  if (assigneeId === undefined) return undefined;
  return assigneeId === null ? isNull(tickets.assigneeId) : eq(tickets.assigneeId, assigneeId);
}

function teamCondition(teamIds: readonly string[] | null | undefined): SQL | undefined {
  if (teamIds === undefined) return undefined;
  if (teamIds === null) return isNull(tickets.teamId);
  return teamIds.length === 0 ? sql`false` : inArray(tickets.teamId, [...teamIds]);
}

/**
 * How many of the newest tickets passing the filters a search reads first, one by one: a word
 * on about one ticket in 80 or more fills a page there, so the commonest searches end in this walk.
 */
export const SEARCH_WINDOW = 2000;

/**
 * Past the window, a search with at most this many hits in the whole desk is rare: its hits
 * are read from the GIN index and sorted; a commoner one walks on down the number index.
 */
export const RARE_HITS = 1000;

/**
 * `#2` is ticket 2 and nothing else; any other text is searched in `document`, and a bare
 * number also finds that ticket.
 *
 * One condition on the row would do if PostgreSQL knew how rare the word is, but for a word
 * outside its statistics (absent, or rare in a desk of few distinct words) it assumes 0.5 %
 * of the rows and walks the number index: every row of a million for a word found nowhere
 * (7–14 s measured). Counting the hits first to choose costs a common word more than its
 * answer (25–640 ms at 1M). So, in one statement:
 * 1. `recent` walks the newest SEARCH_WINDOW tickets that pass the filters, stopping at a page
 *    of hits: a common word ends here, having read a few dozen tickets.
 * 2. Only when that left the page short and older tickets pass the filters (`older` is empty
 *    otherwise, and everything below is never started), `edge` is the window's oldest ticket
 *    and a probe counts the desk's hits, at most RARE_HITS + 1 (a bitmap for a rare word, a
 *    short scan for a common one).
 * 3. The older hits come from the one branch the probe chose: the walk below the window's
 *    edge for a common word, every hit from the GIN index for a rare one.
 */
function searchCondition(text: string, document: SQL, filters: SQL | undefined, limit: number): SQL {
  const quotedNumber = /^#(\d{1,9})$/.exec(text);
  if (quotedNumber) return eq(tickets.number, Number(quotedNumber[1]));
  const words = sql`${document} @@ ${searchQuery(text)}`;
  const number = ticketNumberIn(text);
  const matches = number === 0 ? words : sql`(${words} or ${tickets.number} = ${number})`;
  const filtered = filters ?? sql`true`;
  // The window's rows keep the table's name, so `matches` reads them as it reads the table.
  const hits = sql`with recent as materialized (
      select number from (
        select * from ${tickets} where ${filtered} order by ${tickets.number} desc limit ${SEARCH_WINDOW}) ${tickets}
      where ${matches} order by number desc limit ${limit}),
    older as materialized (
      select edge, (select count(*) <= ${RARE_HITS} from (select from ${tickets} where ${matches} limit ${RARE_HITS + 1}) hits) as rare
      from (select ${tickets.number} as edge from ${tickets} where ${filtered}
        order by ${tickets.number} desc offset ${SEARCH_WINDOW - 1} limit 1) window_end
      where (select count(*) from recent) < ${limit})
    select number from (
      (select number from recent)
      union all
      (select ${tickets.number} from ${tickets}
        where (select not rare from older) and ${tickets.number} < (select edge from older) and ${filtered} and ${matches}
        order by ${tickets.number} desc limit ${limit})
      union all
      (select ${tickets.number} from ${tickets}
        where (select rare from older) and ${tickets.number} < (select edge from older) and ${filtered}
          and ${tickets.number} = any(array(select ${tickets.number} from ${tickets} where ${matches}))
        order by ${tickets.number} desc limit ${limit})
    ) found order by number desc limit ${limit}`;
  return sql`${tickets.number} = any(array(${hits}))`;
}

/** The filters of a list other than search and paging: what a saved view's count also applies. */
export type TicketCountFilter = Pick<
  TicketListFilter,
  'visibility' | 'statuses' | 'priority' | 'assigneeId' | 'teamIds' | 'requesterId' | 'tag' | 'createdFrom' | 'createdTo'
>;

function filterConditions(filter: TicketCountFilter): SQL | undefined {
  return and(
    filter.visibility,
    filter.statuses ? inArray(tickets.status, [...filter.statuses]) : undefined,
    filter.priority ? eq(tickets.priority, filter.priority) : undefined,
    assigneeCondition(filter.assigneeId),
    teamCondition(filter.teamIds),
    filter.requesterId ? eq(tickets.requesterId, filter.requesterId) : undefined,
    filter.tag === undefined ? undefined : carriesTag(filter.tag),
    filter.createdFrom ? gte(tickets.createdAt, filter.createdFrom) : undefined,
    filter.createdTo ? lt(tickets.createdAt, filter.createdTo) : undefined,
  );
}

/**
 * How many tickets pass the filters, counting no further than `cap`: a count beside a view
 * must stay cheap however many tickets the view holds (the same indexes as the list).
 */
export async function countTicketsUpTo(db: Db, filter: TicketCountFilter, cap: number): Promise<number> {
  const inner = db.select({ one: sql`1` }).from(tickets).where(filterConditions(filter)).limit(cap).as('capped');
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(inner);
  return row?.n ?? 0;
}

/**
 * In `filter.order`, newest first by default: a number never changes, so those pages neither
 * skip nor repeat while tickets are added. A search lists its hits newest first.
 */
export async function listTicketViews(db: Db, filter: TicketListFilter): Promise<TicketView[]> {
  const filters = and(
    filterConditions(filter),
    filter.afterNumber === undefined ? undefined : afterTicket(filter.order, filter.afterNumber),
  );
  const selected = filter.search ? and(filters, searchCondition(filter.search, filter.searchDocument, filters, filter.limit)) : filters;
  return selectTicketViews(db).where(selected).orderBy(orderByClause(filter.order)).limit(filter.limit);
}
