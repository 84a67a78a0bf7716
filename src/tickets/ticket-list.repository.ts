import { and, eq, inArray, isNull, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { askedBy, type TicketVisibility } from '../authz/policies/ticket.js';
import type { Db } from '../db/database.js';
import { builtPerShape } from '../db/prepared.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import { TICKET_STATUSES, type TicketPriority, type TicketStatus } from './ticket-status.js';
import { afterTicket, orderByClause, type TicketOrder } from './ticket-sort.js';
import { carriesTag, selectTicketViews, type TicketView } from './tickets.repository.js';
import { tickets } from './tickets.schema.js';

/*
 * The queue's and search's statements. Building one through drizzle cost 0.5–0.7 ms of the
 * server's CPU, a quarter of the request's; its text depends only on its shape (which filters
 * are set, the order, the kind of search, whose tickets), so it is built once per shape with
 * placeholders (`builtPerShape`) and run with the values.
 *
 * Planning is most of what PostgreSQL spends on a page of the queue (0.5 of 0.8 ms at 10k:
 * tickets carry 27 indexes to weigh) and on a search (1.5–2 of 2–4 ms at 1M), so a queue's,
 * a search's or a count's statement is named and each connection keeps it prepared: after
 * five runs PostgreSQL plans it once for any values when that plan costs no more than
 * planning each run would (`plan_cache_mode` auto). Its statuses and its limit are written
 * into the text, as a plan made without values must see them: a partial index is chosen by
 * the statuses it covers, and an index walk over a sort by how few rows are wanted. A search
 * may be planned once because its words choose its path while it runs (`searchCondition`),
 * not in its plan. A team-restricted agent's list stays unnamed, as its visibility is a
 * condition of its own built with its values on each call.
 */

export interface TicketListFilter {
  visibility: TicketVisibility;
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
  /** The search document the caller may read (from src/authz): internal notes only in `staff`. */
  searchDocument: 'staff' | 'public';
  order: TicketOrder;
  /** Keyset: only tickets after this one in `order` (the last of the previous page). */
  afterNumber?: number | undefined;
  limit: number;
}

/** The filters of a list other than search and paging: what a saved view's count also applies. */
export type TicketCountFilter = Pick<
  TicketListFilter,
  'visibility' | 'statuses' | 'priority' | 'assigneeId' | 'teamIds' | 'requesterId' | 'tag' | 'createdFrom' | 'createdTo'
>;

type Values = Record<string, unknown>;
const value = (name: string): Placeholder => sql.placeholder(name);
const values = (prefix: string, items: readonly unknown[]): Values => Object.fromEntries(items.map((item, i) => [`${prefix}${i}`, item]));
const placeholders = (prefix: string, count: number): Placeholder[] => Array.from({ length: count }, (_, i) => value(`${prefix}${i}`));

/** Which filters are set, with how many values (the statuses themselves): what the statement's text depends on. */
interface FilterShape {
  visibility: TicketVisibility['kind'];
  /** Written into the statement's text (see above). */
  statuses: readonly TicketStatus[] | null;
  priority: boolean;
  assignee: 'any' | 'none' | 'one';
  teams: 'any' | 'none' | number;
  requester: boolean;
  tag: boolean;
  from: boolean;
  to: boolean;
}

function describeFilters(filter: TicketCountFilter): { shape: FilterShape; values: Values } {
  const { visibility, statuses, priority, assigneeId, teamIds, requesterId, tag, createdFrom, createdTo } = filter;
  return {
    shape: {
      visibility: visibility.kind,
      statuses: statuses ?? null,
      priority: Boolean(priority),
      assignee: assigneeId === undefined ? 'any' : assigneeId === null ? 'none' : 'one',
      teams: teamIds === undefined ? 'any' : teamIds === null ? 'none' : teamIds.length,
      requester: Boolean(requesterId),
      tag: tag !== undefined,
      from: Boolean(createdFrom),
      to: Boolean(createdTo),
    },
    values: {
      ...(visibility.kind === 'own' ? { viewer: visibility.requesterId } : {}),
      priority,
      assignee: assigneeId,
      ...values('team', teamIds ?? []),
      requester: requesterId,
      tag,
      from: createdFrom?.toISOString(),
      to: createdTo?.toISOString(),
    },
  };
}

function teamCondition(teams: FilterShape['teams']): SQL | undefined {
  if (teams === 'any') return undefined;
  if (teams === 'none') return isNull(tickets.teamId);
  return teams === 0 ? sql`false` : inArray(tickets.teamId, placeholders('team', teams));
}

/** A status as a literal of the statement's text; only a known status gets there. */
function statusLiteral(status: TicketStatus): SQL {
  if (!TICKET_STATUSES.includes(status)) throw new Error(`unknown ticket status ${status}`);
  return sql.raw(`'${status}'`);
}

/** `filtered`: the condition of a visibility of kind `filtered`, with its values. */
function filterConditions(shape: FilterShape, filtered: SQL | undefined): SQL | undefined {
  const visibility = { all: undefined, own: askedBy(value('viewer')), filtered }[shape.visibility];
  return and(
    visibility,
    shape.statuses === null ? undefined : shape.statuses.length === 0 ? sql`false` : sql`${tickets.status} in (${sql.join(shape.statuses.map(statusLiteral), sql`, `)})`,
    shape.priority ? eq(tickets.priority, value('priority')) : undefined,
    { any: undefined, none: isNull(tickets.assigneeId), one: eq(tickets.assigneeId, value('assignee')) }[shape.assignee],
    teamCondition(shape.teams),
    shape.requester ? eq(tickets.requesterId, value('requester')) : undefined,
    shape.tag ? carriesTag(value('tag')) : undefined,
    shape.from ? sql`${tickets.createdAt} >= ${value('from')}` : undefined,
    shape.to ? sql`${tickets.createdAt} < ${value('to')}` : undefined,
  );
}

/**
 * How many of the newest tickets passing the filters a common word's search reads one by one,
 * stopping at a page: a word on one ticket in 80 fills it within a few dozen, and a common word
 * is found again past a flood of new tickets without it, at about a microsecond a ticket. Past
 * this many, its older hits come from the GIN index: a word common only in old tickets, or two
 * common words that are never together, are then not a walk through the whole desk (3.3 s at 1M).
 */
export const SEARCH_REACH = 20_000;

/**
 * A search whose words the statistics give at most this many tickets is rare: its hits are
 * read from the GIN index and sorted, at about a microsecond each.
 */
export const RARE_HITS = 1000;

/** `#2`: ticket 2 and nothing else; words: a full-text query, and a bare number also finds that ticket. */
type SearchShape = { kind: 'ticket' } | { kind: 'words'; syntax: 'prefix' | 'web'; number: boolean; document: 'staff' | 'public' };

/** A bare number may be a ticket's, as agents quote them. */
const ticketNumberIn = (text: string): number | undefined => (/^\d{1,9}$/.test(text) ? Number(text) : undefined);

/**
 * The search box's text as a full-text query. Plain words are all required, each also as a
 * prefix once it holds a letter, so results follow as one types: `prin` finds `printer`. The
 * prefixes are stemmed like the indexed words (`printers` finds them too). Text with quotes,
 * `or` or `-word` is read as a web search reads it.
 */
function describeSearch(text: string, document: 'staff' | 'public'): { shape: SearchShape; values: Values } {
  const quotedNumber = /^#(\d{1,9})$/.exec(text);
  if (quotedNumber) return { shape: { kind: 'ticket' }, values: { number: Number(quotedNumber[1]) } };
  const words = text.split(/\s+/);
  const plain = words.every((word) => /^[\p{L}\p{N}]+$/u.test(word) && word.toLowerCase() !== 'or');
  const query = plain ? words.map((word) => (/\p{L}/u.test(word) ? `${word}:*` : word)).join(' & ') : text;
  const number = ticketNumberIn(text);
  return {
    shape: { kind: 'words', syntax: plain ? 'prefix' : 'web', number: number !== undefined, document },
    values: { query, number },
  };
}

/**
 * A count (of rows, of hits) as a literal of the statement's text: drizzle types a limit as a
 * number or a placeholder and sends a number as a parameter, but it writes any SQL it is given as is.
 */
function literalCount(rows: number): Placeholder {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new Error(`not a row count: ${rows}`);
  return sql.raw(String(rows)) as unknown as Placeholder;
}

/**
 * One condition on the row would do if PostgreSQL knew how rare the word is, but for a word
 * outside its statistics (absent, or rare in a desk of few distinct words) it assumes 0.5 %
 * of the rows and walks the number index: every row of a million for a word found nowhere
 * (7–14 s measured). Counting the hits to choose cost a common word more than its answer
 * (25–640 ms at 1M); the statistics' own frequencies (`search_hits_estimate`, migration 0027)
 * cost a fraction of a millisecond. So, in one statement:
 * 1. `estimate` asks the statistics whether the words are common.
 * 2. A common word walks the newest SEARCH_REACH tickets that pass the filters (`walked`),
 *    stopping at a page: usually within a few dozen, and past a flood of new tickets without it.
 * 3. The rest comes from the GIN index, every hit sorted: all of them for a rare word (no edge),
 *    those below the walk's last ticket for a common word the walk found no page of. For a word
 *    on many tickets that reads them all (1.3 s for one on 38 % of a million), the price of not
 *    walking on for ever.
 */
function searchCondition(search: SearchShape, filters: SQL | undefined, limit: Placeholder): SQL {
  if (search.kind === 'ticket') return eq(tickets.number, value('number'));
  const document = search.document === 'staff' ? tickets.staffSearch : tickets.publicSearch;
  const documentName = sql.raw(`'${search.document}_search'`);
  const query = search.syntax === 'web' ? sql`websearch_to_tsquery('english', ${value('query')})` : sql`to_tsquery('english', ${value('query')})`;
  // Parsed once: in a plan made for any text, a parse written into the condition runs per row.
  const words = sql`${document} @@ (select query from search_query)`;
  const matches = search.number ? sql`(${words} or ${tickets.number} = ${value('number')})` : words;
  const filtered = filters ?? sql`true`;
  // The walk's rows keep the table's name, so `matches` reads them as it reads the table. Its
  // bounds are written into the text, where a plan made for any values sees them.
  const hits = sql`with search_query as materialized (select ${query} as query),
    estimate as materialized (
      select search_hits_estimate(query, ${documentName}) > ${literalCount(RARE_HITS)} as common from search_query),
    walked as materialized (
      select number from (
        select * from ${tickets} where (select common from estimate) and ${filtered}
        order by ${tickets.number} desc limit ${literalCount(SEARCH_REACH)}) ${tickets}
      where ${matches} order by number desc limit ${limit}),
    gin_edge as materialized (
      select null::integer as edge from estimate where not common
      union all
      (select ${tickets.number} from ${tickets}
        where (select common from estimate) and (select count(*) from walked) < ${limit} and ${filtered}
        order by ${tickets.number} desc offset ${literalCount(SEARCH_REACH - 1)} limit 1))
    select number from (
      (select number from walked)
      union all
      (select ${tickets.number} from ${tickets}
        where exists (select from gin_edge) and ((select edge from gin_edge) is null or ${tickets.number} < (select edge from gin_edge))
          and ${filtered} and ${tickets.number} = any(array(select ${tickets.number} from ${tickets} where ${matches}))
        order by ${tickets.number} desc limit ${limit})
    ) found order by number desc limit ${limit}`;
  return sql`${tickets.number} = any(array(${hits}))`;
}

interface ListShape extends FilterShape {
  search: SearchShape | null;
  order: TicketOrder;
  after: boolean;
  /** How many rows, in the statement's text. */
  rows: number;
}

function buildList(db: Db, shape: ListShape, filtered: SQL | undefined) {
  const filters = and(filterConditions(shape, filtered), shape.after ? afterTicket(shape.order, value('after')) : undefined);
  const limit = literalCount(shape.rows);
  const selected = shape.search ? and(filters, searchCondition(shape.search, filters, limit)) : filters;
  const query = selectTicketViews(db).where(selected).orderBy(orderByClause(shape.order)).limit(limit);
  return query.prepare(filtered ? '' : PLAN_ONCE);
}

const listQuery = builtPerShape((db, shape: ListShape) => buildList(db, shape, undefined));

/**
 * Among tickets of one priority, the priority sort is the order of their numbers. Said so,
 * PostgreSQL walks a number index and stops at a page, where it sorted every match after
 * joining the names (the open unassigned high tickets at 1M: 50–56 → 2 ms).
 */
const orderWithin = (order: TicketOrder, priority: TicketPriority | undefined): TicketOrder =>
  order.sort === 'priority' && priority !== undefined ? { sort: 'created', order: order.order } : order;

/**
 * In `filter.order`, newest first by default: a number never changes, so those pages neither
 * skip nor repeat while tickets are added. A search lists its hits newest first.
 */
export async function listTicketViews(db: Db, filter: TicketListFilter): Promise<TicketView[]> {
  const filters = describeFilters(filter);
  const search = filter.search === undefined ? undefined : describeSearch(filter.search, filter.searchDocument);
  const shape: ListShape = {
    ...filters.shape,
    search: search?.shape ?? null,
    order: orderWithin(filter.order, filter.priority),
    after: filter.afterNumber !== undefined,
    rows: filter.limit,
  };
  const { visibility } = filter;
  const query = visibility.kind === 'filtered' ? buildList(db, shape, visibility.filter) : listQuery(db, shape);
  return query.execute({ ...filters.values, ...search?.values, after: filter.afterNumber });
}

interface CountShape extends FilterShape {
  cap: number;
}

function buildCount(db: Db, shape: CountShape, filtered: SQL | undefined) {
  const inner = db.select({ one: sql`1` }).from(tickets).where(filterConditions(shape, filtered)).limit(literalCount(shape.cap)).as('capped');
  const query = db.select({ n: sql<number>`count(*)::int` }).from(inner);
  return query.prepare(filtered ? '' : PLAN_ONCE);
}

const countQuery = builtPerShape((db, shape: CountShape) => buildCount(db, shape, undefined));

/**
 * How many tickets pass the filters, counting no further than `cap`: a count beside a view
 * must stay cheap however many tickets the view holds (the same indexes as the list).
 */
export async function countTicketsUpTo(db: Db, filter: TicketCountFilter, cap: number): Promise<number> {
  const { shape, values: filterValues } = describeFilters(filter);
  const countShape: CountShape = { ...shape, cap };
  const { visibility } = filter;
  const query = visibility.kind === 'filtered' ? buildCount(db, countShape, visibility.filter) : countQuery(db, countShape);
  const [row] = await query.execute(filterValues);
  return row?.n ?? 0;
}
