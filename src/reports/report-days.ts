import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';
import { DAY_MS } from './local-days.js';

/** A stretch of time, [from, to). */
export interface Window {
  from: Date;
  to: Date;
}

/**
 * How a report's range is read: the whole UTC days the roll-ups hold (report_days, kept by
 * the triggers of migration 0023) and, around them, what is read from the tickets as before:
 * a part-day at either end (a range in another zone, or between instants) and the days not
 * sealed yet, today among them.
 */
export interface RangeSplit {
  days: Window | undefined;
  direct: Window[];
}

/** Rolls up the days that ended since the last report and answers the first day not rolled up. */
export async function sealedUntil(db: Db): Promise<Date> {
  const [row] = await queryRows<{ day: string }>(db, sql`select report_seal()::text as day`);
  if (!row) throw new Error('report_seal answered nothing');
  return new Date(`${row.day}T00:00:00Z`);
}

export function splitRange(range: Window, sealed: Date): RangeSplit {
  const first = Math.ceil(range.from.getTime() / DAY_MS) * DAY_MS;
  const end = Math.min(Math.floor(range.to.getTime() / DAY_MS) * DAY_MS, sealed.getTime());
  if (first >= end) return { days: undefined, direct: [range] };
  const days = { from: new Date(first), to: new Date(end) };
  const edges = [
    { from: range.from, to: days.from },
    { from: days.to, to: range.to },
  ];
  return { days, direct: edges.filter((edge) => edge.from < edge.to) };
}

/** A text literal of a PostgreSQL array; the values (uuids, dates, ISO instants) hold no commas or quotes. */
export const arrayLiteral = (values: readonly string[]) => `{${values.join(',')}}`;

const dayOf = (date: Date) => sql`${date.toISOString().slice(0, 10)}::date`;

/**
 * How the roll-ups split a day's facts (migration 0025): per person, or (first responses and
 * resolutions only) per minute bucket, the histogram a percentile finds its rank in.
 */
export type Grain = 'person' | 'minutes';

/**
 * The roll-up rows of `facts` at `grain` for the split's whole days, limited to `teamIds`
 * when given; none when the range holds no whole sealed day.
 */
export function rolledDays(split: RangeSplit, facts: readonly string[], teamIds: readonly string[] | undefined, grain: Grain): SQL {
  const { days } = split;
  if (!days) return sql`select * from report_days d where false`;
  const teams = teamIds === undefined ? sql`` : sql` and d.team_id = any(${arrayLiteral(teamIds)}::uuid[])`;
  return sql`select * from report_days d
    where d.fact = any(${arrayLiteral(facts)}::text[]) and d.day >= ${dayOf(days.from)} and d.day < ${dayOf(days.to)}${teams}
      and d.bucket is ${grain === 'person' ? sql`null` : sql`not null`}`;
}
