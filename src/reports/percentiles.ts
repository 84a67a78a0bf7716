import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';
import { arrayLiteral, splitMonths, type MonthSplit, type Window } from './report-days.js';

/**
 * Exact percentiles (PostgreSQL's percentile_cont) of the minutes of a fact, for a range
 * whose count is already known from the roll-ups. A small range sorts its values as before.
 * Over a large range the range's minutes histogram (migration 0025) tells which bucket the
 * ranks percentile_cont interpolates between fall in, and how many of the range's values
 * lie below it; the index sorted by minutes (migration 0023) is then walked inside that
 * bucket only, to the rank. Per person, the walk goes from the person's smallest value.
 */

export type MeasuredFact = 'first_response' | 'resolution';

interface Measure {
  at: SQL;
  person: SQL;
  /** Conditions besides the time: a resolution counts while the ticket stays resolved or closed. */
  holds: SQL;
}

const MEASURES: Record<MeasuredFact, Measure> = {
  first_response: { at: sql`t.first_response_at`, person: sql`t.first_responder_id`, holds: sql`t.first_response_at is not null` },
  resolution: { at: sql`t.resolved_at`, person: sql`t.resolution_assignee_id`, holds: sql`t.resolved_at is not null and t.status in ('resolved', 'closed')` },
};

/** In float8, as the indexes of migration 0023 hold it. */
export const minutesOf = (fact: MeasuredFact): SQL => sql`(date_part('epoch', ${MEASURES[fact].at} - t.created_at) / 60)`;

/** Below this many values a sort is cheap, and a walk could read many values out of the range. */
export const WALK_FROM = 20_000;

/** The ranks percentile_cont reads for `p` of `n` values, and how far between them it lies. */
export function ranksOf(p: number, n: number): { first: number; count: 1 | 2; proportion: number } {
  const position = p * (n - 1);
  const first = Math.floor(position);
  const proportion = position - first;
  return { first, count: proportion > 0 ? 2 : 1, proportion };
}

export interface WalkScope {
  range: Window;
  teamIds: readonly string[] | undefined;
}

const inRange = (fact: MeasuredFact, scope: WalkScope): SQL => {
  const { at, holds } = MEASURES[fact];
  const teams = scope.teamIds === undefined ? sql`` : sql` and t.team_id = any(${arrayLiteral(scope.teamIds)}::uuid[])`;
  return sql`${holds} and ${at} >= ${scope.range.from.toISOString()}::timestamptz and ${at} < ${scope.range.to.toISOString()}::timestamptz${teams}`;
};

/** percentile_cont's interpolation, rounded as the reports round minutes. */
const interpolated = (values: SQL, proportion: number) =>
  sql`round((${values}[1] + ${proportion}::float8 * (${values}[2] - ${values}[1]))::numeric, 2)::float8`;

/** A fact's values in a range, counted per minute bucket (migration 0025), in bucket order. */
export type Histogram = readonly (readonly [bucket: number, n: number])[];

export const histogramTotal = (histogram: Histogram) => histogram.reduce((sum, [, n]) => sum + n, 0);

/** How to walk to the ranks of a percentile: inside which bucket, which way, past how many of the range's values. */
export interface BucketWalk {
  bucket: number;
  upwards: boolean;
  skip: number;
  count: 1 | 2;
  proportion: number;
}

/** The walk to the `p` percentile of the histogram's values (at least one). */
export function bucketWalk(histogram: Histogram, p: number): BucketWalk {
  const { first, count, proportion } = ranksOf(p, histogramTotal(histogram));
  let below = 0;
  for (const [bucket, size] of histogram) {
    if (first < below + size) {
      const offset = first - below;
      // From the bucket's top when the ranks lie in its upper half; from its floor otherwise,
      // and on past its top when the second rank is the next bucket's first value.
      const upwards = offset < size / 2 || offset + count > size;
      return { bucket, upwards, skip: upwards ? offset : size - offset - count, count, proportion };
    }
    below += size;
  }
  throw new Error(`rank ${first} is beyond the histogram's ${below} values`);
}

/**
 * The `count` values of the fact in scope after `skip`, walking from a bucket's floor upwards
 * or from its top downwards, in ascending order: the bucket's bounds limit the index scan,
 * its number filters it. `where` narrows the tickets further (a person).
 */
function walkInBucket(fact: MeasuredFact, scope: WalkScope, walk: { bucket: SQL; upwards: boolean; skip: SQL; count: SQL }, where: SQL = sql``): SQL {
  const minutes = minutesOf(fact);
  const { bucket, upwards, skip, count } = walk;
  const within = upwards
    ? sql`${minutes} >= report_minute_bucket_floor(${bucket}) and report_minute_bucket(${minutes}) >= ${bucket}`
    : sql`${minutes} <= report_minute_bucket_ceiling(${bucket}) and report_minute_bucket(${minutes}) <= ${bucket}`;
  const values = sql`array(select ${minutes} as m from tickets t where ${inRange(fact, scope)}${where} and ${within}
    order by ${minutes} ${upwards ? sql`asc` : sql`desc`} offset ${skip} limit ${count})`;
  return upwards ? values : sql`array(select unnest(${values}) order by 1)`;
}

/** The percentile a walk reads, in one value. */
export function walkedPercentile(fact: MeasuredFact, scope: WalkScope, walk: BucketWalk): SQL {
  const { bucket, upwards, skip, count, proportion } = walk;
  const values = walkInBucket(fact, scope, { bucket: sql`${bucket}::smallint`, upwards, skip: sql`${skip}`, count: sql`${count}` });
  return count === 1 ? sql`round((${values})[1]::numeric, 2)::float8` : interpolated(sql`(${values})`, proportion);
}

const dateOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Each person's minutes histogram over the range: their month rows for the split's whole
 * months, and the values of the stretches around them, bucketed as the roll-ups bucket them.
 */
async function personHistograms(db: Db, fact: MeasuredFact, scope: WalkScope, split: MonthSplit, people: readonly string[]): Promise<Map<string, Histogram>> {
  const person = MEASURES[fact].person;
  const listed = arrayLiteral(people);
  const teams = scope.teamIds === undefined ? sql`` : sql` and m.team_id = any(${arrayLiteral(scope.teamIds)}::uuid[])`;
  const months = split.months
    ? sql`select m.agent_id as person, m.bucket, m.n from report_person_months m
        where m.fact = ${fact} and m.month >= ${dateOf(split.months.from)}::date and m.month < ${dateOf(split.months.to)}::date
          and m.agent_id = any(${listed}::uuid[])${teams}`
    : sql`select null::uuid, null::smallint, 0 where false`;
  const direct = split.direct.map(
    (window) => sql`select ${person}, report_minute_bucket(${minutesOf(fact)}), 1 from tickets t
      where ${person} = any(${listed}::uuid[]) and ${inRange(fact, { range: window, teamIds: scope.teamIds })}`,
  );
  const rows = await queryRows<{ person: string; histogram: [number, number][] }>(
    db,
    sql`select person, json_agg(json_build_array(bucket, n) order by bucket) as histogram
      from (select person, bucket, sum(n)::bigint as n from (${sql.join([months, ...direct], sql` union all `)}) v(person, bucket, n) group by 1, 2) h
      group by person`,
  );
  return new Map(rows.map((row) => [row.person, row.histogram]));
}

/**
 * Each person's median of the fact's minutes in scope, for the people given: the monthly
 * histograms find the bucket of each median, and one statement walks the index sorted by
 * (person, minutes) inside each person's bucket.
 */
export async function walkedMedians(
  db: Db,
  fact: MeasuredFact,
  scope: WalkScope,
  sealed: Date,
  people: readonly string[],
): Promise<Map<string, number | null>> {
  if (people.length === 0) return new Map();
  const histograms = await personHistograms(db, fact, scope, splitMonths(scope.range, sealed), people);
  const walks = [...histograms].map(([person, histogram]) => ({ person, ...bucketWalk(histogram, 0.5) }));
  const column = (pick: (walk: (typeof walks)[number]) => string | number | boolean) => arrayLiteral(walks.map((walk) => String(pick(walk))));
  const way = (upwards: boolean) =>
    walkInBucket(fact, scope, { bucket: sql`p.bucket`, upwards, skip: sql`p.skip`, count: sql`p.count` }, sql` and ${MEASURES[fact].person} = p.person`);
  const rows = await queryRows<{ person: string; median: number | null }>(
    db,
    sql`select w.person, case when w.count = 1 then round(w.v[1]::numeric, 2)::float8
          else round((w.v[1] + w.proportion * (w.v[2] - w.v[1]))::numeric, 2)::float8 end as median
        from (select p.person, p.count, p.proportion, case when p.upwards then ${way(true)} else ${way(false)} end as v
              from unnest(${column((w) => w.person)}::uuid[], ${column((w) => w.bucket)}::smallint[], ${column((w) => w.upwards)}::boolean[],
                          ${column((w) => w.skip)}::int[], ${column((w) => w.count)}::int[], ${column((w) => w.proportion)}::float8[])
                as p(person, bucket, upwards, skip, count, proportion)) w`,
  );
  return new Map(rows.map((row) => [row.person, row.median]));
}
