import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import { ticketSortKeys } from './ticket-sort-keys.js';
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

/**
 * `attention` puts breached and urgent tickets first, then the most pressing due date, then
 * the oldest: its keys ascend when it is asked descending (its most pressing first).
 */
const REVERSED: ReadonlySet<TicketSort> = new Set(['attention']);
const SORT_KEYS: Readonly<Record<TicketSort, readonly SQL[]>> = ticketSortKeys(tickets);

export interface TicketOrder {
  sort: TicketSort;
  order: SortOrder;
}

const descends = ({ sort, order }: TicketOrder): boolean => (order === 'desc') !== REVERSED.has(sort);

export function orderByClause(order: TicketOrder): SQL {
  const direction = descends(order) ? sql`desc` : sql`asc`;
  return sql.join(
    SORT_KEYS[order.sort].map((key) => sql`${key} ${direction}`),
    sql`, `,
  );
}

/**
 * Tickets after ticket `number` in this order (keyset paging). The boundary is that ticket's
 * keys as they are now: if it moved meanwhile (updated, reprioritised), the next page starts
 * from where it is, as in any live queue. A row of keys against a row of single values (not
 * a row subquery), so the comparison is a range of the sort's index.
 */
export function afterTicket(order: TicketOrder, number: number | Placeholder): SQL {
  const comparison = descends(order) ? sql`<` : sql`>`;
  if (order.sort === 'created') return sql`${tickets.number} ${comparison} ${number}`;
  const keys = SORT_KEYS[order.sort];
  const boundary = keys.map((key) => sql`(select ${key} from ${tickets} where ${tickets.number} = ${number})`);
  return sql`(${sql.join([...keys], sql`, `)}) ${comparison} (${sql.join(boundary, sql`, `)})`;
}
