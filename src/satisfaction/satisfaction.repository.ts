import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';
import type { Rating } from './rating.js';
import { satisfactionRatings } from './satisfaction.schema.js';

export type RatingRow = typeof satisfactionRatings.$inferSelect;

/** Records the request; undefined when the ticket was asked before (it is asked once). */
export async function insertRequest(
  tx: Db,
  request: { ticketId: string; agentId: string | null; teamId: string | null; askedAt: Date; expiresAt: Date },
): Promise<RatingRow | undefined> {
  const [row] = await tx.insert(satisfactionRatings).values(request).onConflictDoNothing().returning();
  return row;
}

export async function findRating(db: Db, ticketId: string): Promise<RatingRow | undefined> {
  const [row] = await db.select().from(satisfactionRatings).where(eq(satisfactionRatings.ticketId, ticketId));
  return row;
}

/** Sets (or changes) the answer while the request is open: not expired, ticket not closed. Undefined otherwise. */
export async function saveAnswer(tx: Db, ticketId: string, answer: { rating: Rating; comment: string | null }, now: Date): Promise<RatingRow | undefined> {
  const [row] = await tx
    .update(satisfactionRatings)
    .set({ ...answer, answeredAt: now })
    .where(
      and(
        eq(satisfactionRatings.ticketId, ticketId),
        sql`${satisfactionRatings.expiresAt} > ${now.toISOString()}::timestamptz`,
        sql`not exists (select 1 from tickets t where t.id = ${satisfactionRatings.ticketId} and t.status = 'closed')`,
      ),
    )
    .returning();
  return row;
}

/** asked, answered, good, bad for one group of requests. */
export interface Figures {
  asked: number;
  answered: number;
  good: number;
  bad: number;
}

export interface GroupedFigures extends Figures {
  key: string | null;
  name: string | null;
}

/**
 * Requests asked in [from, to) (of the given teams, if any), grouped by `key` (text, an
 * expression over `r`), each group with `name`; by name (nulls last), then key.
 */
export async function satisfactionFigures(
  db: Db,
  range: { from: Date; to: Date; teamIds?: readonly string[] | undefined },
  key: SQL,
  name: SQL = sql`null::text`,
): Promise<GroupedFigures[]> {
  const teams = range.teamIds === undefined ? sql`` : sql` and r.team_id = any(${`{${range.teamIds.join(',')}}`}::uuid[])`;
  return queryRows<GroupedFigures>(
    db,
    sql`select ${key} as key, ${name} as name, count(*)::int as asked, count(r.rating)::int as answered,
               (count(*) filter (where r.rating = 'good'))::int as good, (count(*) filter (where r.rating = 'bad'))::int as bad
        from satisfaction_ratings r
        where r.asked_at >= ${range.from.toISOString()}::timestamptz and r.asked_at < ${range.to.toISOString()}::timestamptz${teams}
        group by 1, 2 order by 2 nulls last, 1 nulls last`,
  );
}
