import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** The ticket columns the sorts read: the table's own, or the same columns inside its declaration (for its indexes). */
export interface SortColumns {
  number: AnyPgColumn;
  updatedAt: AnyPgColumn;
  priority: AnyPgColumn;
  resolvedAt: AnyPgColumn;
  closedAt: AnyPgColumn;
  firstResponseAt: AnyPgColumn;
  firstResponseDueAt: AnyPgColumn;
  resolutionDueAt: AnyPgColumn;
  firstResponseBreached: AnyPgColumn;
  resolutionBreached: AnyPgColumn;
}

/**
 * The keys each sort orders by, read the same way, the ticket number last so that the order
 * is total and a page can start after a given ticket. Written once for the queries
 * (ticket-sort.ts) and the indexes that serve them (tickets.schema.ts, migration 0021):
 * PostgreSQL walks an expression index only for the very same expression.
 */
export function ticketSortKeys(t: SortColumns) {
  const priorityRank = sql`(case ${t.priority} when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end)`;
  const unresolved = sql`${t.resolvedAt} is null and ${t.closedAt} is null`;
  /** The soonest SLA target still to meet; a ticket with none sorts after every due one. */
  const nextDue = sql`coalesce(least(
    case when ${t.firstResponseAt} is null and ${unresolved} then ${t.firstResponseDueAt} end,
    case when ${unresolved} then ${t.resolutionDueAt} end), 'infinity'::timestamptz)`;
  /**
   * A missed target (recorded by the SLA check) outranks any priority; then urgent before
   * high, and so on. Negated, so that all of attention's keys ascend: most pressing first.
   */
  const attentionRank = sql`(-(case when ${unresolved} and (${t.firstResponseBreached} or ${t.resolutionBreached}) then 10 else 0 end + ${priorityRank}))`;
  const number = sql`${t.number}`;
  return {
    created: [number],
    updated: [sql`${t.updatedAt}`, number],
    priority: [priorityRank, number],
    due: [nextDue, number],
    attention: [attentionRank, nextDue, number],
  } satisfies Record<string, readonly [SQL, ...SQL[]]>;
}
