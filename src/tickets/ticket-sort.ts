import { sql, type SQL } from 'drizzle-orm';
import { tickets } from './tickets.schema.js';

export const TICKET_SORTS = ['created', 'updated', 'priority', 'due', 'attention'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Each sort's way when none is asked: what an agent scanning the queue wants first. */
export const DEFAULT_SORT_ORDER: Readonly<Record<TicketSort, SortOrder>> = {
  created: 'desc',
  updated: 'desc',
  priority: 'desc',
  due: 'asc',
  attention: 'desc',
};

const priorityRank = sql`(case ${tickets.priority} when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end)`;
const unresolved = sql`${tickets.resolvedAt} is null and ${tickets.closedAt} is null`;
/** The soonest SLA target still to meet; a ticket with none sorts after every due one. */
const nextDue = sql`coalesce(least(
  case when ${tickets.firstResponseAt} is null and ${unresolved} then ${tickets.firstResponseDueAt} end,
  case when ${unresolved} then ${tickets.resolutionDueAt} end), 'infinity'::timestamptz)`;
/** A missed target (recorded by the SLA check) outranks any priority; then urgent before high, and so on. */
const attentionScore = sql`(case when ${unresolved} and (${tickets.firstResponseBreached} or ${tickets.resolutionBreached}) then 10 else 0 end + ${priorityRank})`;

/**
 * The columns a sort orders by, all read the same way, the ticket number last so that the
 * order is total and a page can start after a given ticket. `attention` puts breached and
 * urgent tickets first, then the most pressing due date, then the oldest (negated keys keep
 * one direction).
 */
const SORT_KEYS: Readonly<Record<TicketSort, readonly SQL[]>> = {
  created: [sql`${tickets.number}`],
  updated: [sql`${tickets.updatedAt}`, sql`${tickets.number}`],
  priority: [priorityRank, sql`${tickets.number}`],
  due: [nextDue, sql`${tickets.number}`],
  attention: [attentionScore, sql`-extract(epoch from ${nextDue})`, sql`-${tickets.number}`],
};

export interface TicketOrder {
  sort: TicketSort;
  order: SortOrder;
}

export function orderByClause({ sort, order }: TicketOrder): SQL {
  const direction = order === 'desc' ? sql`desc` : sql`asc`;
  return sql.join(
    SORT_KEYS[sort].map((key) => sql`${key} ${direction}`),
    sql`, `,
  );
}

/**
 * Tickets after ticket `number` in this order (keyset paging). The boundary is that ticket's
 * keys as they are now: if it moved meanwhile (updated, reprioritised), the next page starts
 * from where it is, as in any live queue.
 */
export function afterTicket({ sort, order }: TicketOrder, number: number): SQL {
  const keys = sql.join([...SORT_KEYS[sort]], sql`, `);
  const comparison = order === 'desc' ? sql`<` : sql`>`;
  if (sort === 'created') return sql`${tickets.number} ${comparison} ${number}`;
  return sql`(${keys}) ${comparison} (select ${keys} from ${tickets} where ${tickets.number} = ${number})`;
}
