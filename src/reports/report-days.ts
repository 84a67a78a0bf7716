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

/** The start of the period (a UTC day or month) holding `date`, moved `later` periods on. */
type PeriodStart = (date: Date, later?: number) => Date;

const dayStart: PeriodStart = (date, later = 0) => new Date((Math.floor(date.getTime() / DAY_MS) + later) * DAY_MS);
const monthStart: PeriodStart = (date, later = 0) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + later, 1));

/** A range's whole periods that are sealed, and the stretches around them. */
function splitAt(range: Window, sealed: Date, startOf: PeriodStart): { whole: Window | undefined; direct: Window[] } {
  const first = startOf(range.from).getTime() === range.from.getTime() ? range.from : startOf(range.from, 1);
  const end = startOf(new Date(Math.min(range.to.getTime(), sealed.getTime())));
  if (first >= end) return { whole: undefined, direct: [range] };
  const edges = [
    { from: range.from, to: first },
    { from: end, to: range.to },
  ];
  return { whole: { from: first, to: end }, direct: edges.filter((edge) => edge.from < edge.to) };
}

export function splitRange(range: Window, sealed: Date): RangeSplit {
  const { whole, direct } = splitAt(range, sealed, dayStart);
  return { days: whole, direct };
}

/** A range's whole calendar months (UTC) that are sealed, and the stretches around them. */
export interface MonthSplit {
  months: Window | undefined;
  direct: Window[];
}

/** Splits a range at the months the people's histograms (report_person_months) hold whole: those before `sealed`. */
export function splitMonths(range: Window, sealed: Date): MonthSplit {
  const { whole, direct } = splitAt(range, sealed, monthStart);
  return { months: whole, direct };
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
