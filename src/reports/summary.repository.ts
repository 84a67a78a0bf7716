import { sql, type SQL } from 'drizzle-orm';
import { activeStaffSql } from '../authz/roles.js';
import { queryRows, type Db } from '../db/database.js';
import { bucketWalk, walkedMedians, walkedPercentile, WALK_FROM, type BucketWalk, type Histogram, type MeasuredFact } from './percentiles.js';
import { rolledDays, sealedUntil, splitRange } from './report-days.js';
import { at, backlog, eventInTeams, facts, inTeams, median, minutes, percentiles, type ReportRange } from './reports.repository.js';

/**
 * The summary and the agent table, the reports read over long ranges: their counts, sums and
 * SLA shares add the roll-ups of the range's whole sealed days (report-days.ts) to what the
 * rest of the range holds, read as the other reports read it; their percentiles are exact
 * (percentiles.ts). Every figure is the one the definitions in reports.repository.ts give.
 */

export interface ReadOptions {
  /** Walk the sorted index from this many values, whatever share of the index they are (tests). */
  walkFrom?: number;
  /** The first day not rolled up, instead of sealing (tests read everything from the tickets with it). */
  sealedUntil?: Date;
}

/**
 * Per fact, person and minute bucket: count, exact seconds, SLA met and SLA measured, from
 * the roll-up rows `rolled` of the whole days and the windows read directly (the `facts`
 * CTEs over them). A rolled row has either a person or a bucket (its grain), a direct row
 * both: sums by person read person rows, sums by bucket the histogram's.
 */
const factRows = (rolled: SQL): SQL => sql`fact_rows as (
  select d.fact, d.agent_id, d.bucket, d.n, d.seconds, d.met, d.measured from (${rolled}) d
  union all select 'created', null, null, count(*), 0, 0, 0 from created
  union all select 'first_response', author_id, report_minute_bucket(minutes), count(*), sum(seconds), count(*) filter (where met), count(*) filter (where met is not null)
    from first_responses group by 2, 3
  union all select 'resolution', assignee_id, report_minute_bucket(minutes), count(*), sum(seconds), count(*) filter (where met), count(*) filter (where met is not null)
    from resolutions group by 2, 3
  union all select 'assigned', agent_id, null, count(*), 0, 0, 0 from assignment_events group by agent_id
)`;

/** The first day not rolled up. */
const sealedOf = async (db: Db, options: ReadOptions): Promise<Date> => options.sealedUntil ?? (await sealedUntil(db));

/** Whether each person's median walks the index by person: many values, and most of those the index holds. */
const walks = (n: number, indexed: number, options: ReadOptions) =>
  options.walkFrom === undefined ? n >= WALK_FROM && n * 4 >= indexed : n >= options.walkFrom;

const WALK_INDEXES: Record<MeasuredFact, { all: string; person: string }> = {
  first_response: { all: 'tickets_first_response_minutes_idx', person: 'tickets_responder_minutes_idx' },
  resolution: { all: 'tickets_resolution_minutes_idx', person: 'tickets_resolver_minutes_idx' },
};

/** The planner's estimate of an index's rows: enough to choose a plan. */
const indexed = (index: string) => sql`coalesce((select reltuples from pg_class where relname = ${index}), 0)::float8`;

export interface MinuteStats {
  avg: number | null;
  median: number | null;
  p90: number | null;
}

export interface SummaryRow {
  created: number;
  resolved: number;
  backlog: number;
  escalated: number;
  firstResponseMinutes: MinuteStats;
  resolutionMinutes: MinuteStats;
  slaFirstResponseMet: number | null;
  slaResolutionMet: number | null;
}

interface Totals {
  n: number;
  avg: number | null;
  met: number | null;
  indexed: number;
  histogram: Histogram | null;
}

interface SummaryRecord {
  created: number;
  backlog: number;
  escalated: number;
  first_response: Totals;
  resolution: Totals;
}

export async function summaryReport(db: Db, range: ReportRange, options: ReadOptions = {}): Promise<SummaryRow> {
  const split = splitRange(range, await sealedOf(db, options));
  const total = (fact: MeasuredFact) => sql`(select json_build_object(
      'n', coalesce(sum(n), 0),
      'avg', round(sum(seconds) / nullif(sum(n), 0) / 60, 2)::float8,
      'met', sum(met)::float8 / nullif(sum(measured), 0),
      'indexed', ${indexed(WALK_INDEXES[fact].all)},
      'histogram', (select json_agg(json_build_array(bucket, n) order by bucket)
        from (select bucket, sum(n)::bigint as n from fact_rows where fact = ${fact} group by bucket) h))
    from fact_rows where fact = ${fact})`;
  const rolled = sql`${rolledDays(split, ['created'], range.teamIds, 'person')}
    union all ${rolledDays(split, ['first_response', 'resolution'], range.teamIds, 'minutes')}`;
  const [row] = await queryRows<SummaryRecord>(
    db,
    sql`with ${facts(range, { windows: split.direct })}, ${factRows(rolled)}
      select
        (select coalesce(sum(n), 0) from fact_rows where fact = 'created')::int as created,
        ${backlog(range)}::int as backlog,
        (select count(distinct e.ticket_id) from ticket_events e
          where (e.type = 'ticket.escalated' or (e.type = 'ticket.status_changed' and e.data->>'to' = 'escalated'))
            and e.created_at >= ${at(range.from)} and e.created_at < ${at(range.to)}${eventInTeams(range)})::int as escalated,
        ${total('first_response')} as first_response,
        ${total('resolution')} as resolution`,
  );
  if (!row) throw new Error('summary report returned no row');
  const [firstResponse, resolution] = await summaryPercentiles(db, range, [row.first_response, row.resolution], options);
  return {
    created: row.created,
    resolved: row.resolution.n,
    backlog: row.backlog,
    escalated: row.escalated,
    firstResponseMinutes: { avg: row.first_response.avg, ...firstResponse },
    resolutionMinutes: { avg: row.resolution.avg, ...resolution },
    slaFirstResponseMet: row.first_response.met,
    slaResolutionMet: row.resolution.met,
  };
}

type Percentiles = Pick<MinuteStats, 'median' | 'p90'>;

/**
 * The walks to a fact's median and 90th percentile inside their buckets, when a range holds
 * many values and the walks, which also pass the bucket's values out of the range (about
 * `rows / n` for each in it), read fewer than a sort of the range's values would.
 */
function bucketWalks({ n, indexed: rows, histogram }: Totals, options: ReadOptions): BucketWalk[] | undefined {
  if (n === 0 || histogram === null) return undefined;
  const walks = [bucketWalk(histogram, 0.5), bucketWalk(histogram, 0.9)];
  if (options.walkFrom !== undefined) return n >= options.walkFrom ? walks : undefined;
  return n >= WALK_FROM && walks.every((walk) => (walk.skip + walk.count) * rows <= n * n) ? walks : undefined;
}

/** The median and 90th percentile of first responses and resolutions, in one statement. */
async function summaryPercentiles(db: Db, range: ReportRange, totals: [Totals, Totals], options: ReadOptions): Promise<[Percentiles, Percentiles]> {
  const scope = { range, teamIds: range.teamIds };
  const of = (fact: MeasuredFact, factTotals: Totals): SQL => {
    if (factTotals.n === 0) return sql`array[null, null]::float8[]`;
    const walks = bucketWalks(factTotals, options);
    if (walks) return sql`array[${sql.join(walks.map((walk) => walkedPercentile(fact, scope, walk)), sql`, `)}]`;
    const sorted = sql.identifier(fact === 'first_response' ? 'first_responses' : 'resolutions');
    return sql`(select array[${minutes(sql`p[1]`)}, ${minutes(sql`p[2]`)}] from (select ${percentiles} as p from ${sorted}) s)`;
  };
  const [row] = await queryRows<{ first_response: (number | null)[]; resolution: (number | null)[] }>(
    db,
    sql`with ${facts(range)} select ${of('first_response', totals[0])} as first_response, ${of('resolution', totals[1])} as resolution`,
  );
  const pair = (values: (number | null)[] | undefined): Percentiles => ({ median: values?.[0] ?? null, p90: values?.[1] ?? null });
  return [pair(row?.first_response), pair(row?.resolution)];
}

export interface AgentRow {
  agentId: string;
  name: string;
  assigned: number;
  resolved: number;
  firstResponseMinutes: { median: number | null };
  resolutionMinutes: { median: number | null };
}

interface AgentRecord {
  id: string;
  name: string;
  assigned: number;
  resolved: number;
  responded: number;
  first_response_indexed: number;
  resolution_indexed: number;
}

/**
 * One row per active agent and manager, plus anyone else (a former agent) credited with
 * something in the range; by name. An agent assigned a ticket twice in the range counts it
 * once: the assignments in the range less those whose previous assignment of the same ticket
 * to the same agent is in the range too (report_reassignments).
 */
export async function agentReport(db: Db, range: ReportRange, options: ReadOptions = {}): Promise<AgentRow[]> {
  const sealed = await sealedOf(db, options);
  const split = splitRange(range, sealed);
  const reassignedInTeams = range.teamIds === undefined ? sql`` : sql` and r.ticket_id in (select t.id from tickets t where true${inTeams(range)})`;
  const rows = await queryRows<AgentRecord>(
    db,
    sql`with ${facts(range, { windows: split.direct })}, ${factRows(rolledDays(split, ['first_response', 'resolution', 'assigned'], range.teamIds, 'person'))},
      per_agent as (
        select agent_id,
          coalesce(sum(n) filter (where fact = 'assigned'), 0) as assignments,
          coalesce(sum(n) filter (where fact = 'resolution'), 0) as resolved,
          coalesce(sum(n) filter (where fact = 'first_response'), 0) as responded
        from fact_rows where agent_id is not null group by agent_id),
      reassigned as (
        select r.agent_id, count(*) as n from report_reassignments r
        where r.previous_at >= ${at(range.from)} and r.at < ${at(range.to)}${reassignedInTeams} group by r.agent_id),
      credited as (
        select p.agent_id, p.assignments - coalesce(r.n, 0) as assigned, p.resolved, p.responded
        from per_agent p left join reassigned r on r.agent_id = p.agent_id)
      select u.id, u.name,
        coalesce(c.assigned, 0)::int as assigned,
        coalesce(c.resolved, 0)::int as resolved,
        coalesce(c.responded, 0)::int as responded,
        ${indexed(WALK_INDEXES.first_response.person)} as first_response_indexed,
        ${indexed(WALK_INDEXES.resolution.person)} as resolution_indexed
      from users u
      left join credited c on c.agent_id = u.id
      where ${activeStaffSql({ role: sql`u.role`, active: sql`u.active` })} or c.assigned > 0 or c.resolved > 0 or c.responded > 0
      order by u.name, u.id`,
  );
  const counted = (count: (row: AgentRecord) => number) => new Map(rows.filter((row) => count(row) > 0).map((row) => [row.id, count(row)]));
  const [responses, resolutions] = await Promise.all([
    agentMedians(db, { range, sealed }, 'first_response', counted((row) => row.responded), rows[0]?.first_response_indexed ?? 0, options),
    agentMedians(db, { range, sealed }, 'resolution', counted((row) => row.resolved), rows[0]?.resolution_indexed ?? 0, options),
  ]);
  return rows.map((row) => ({
    agentId: row.id,
    name: row.name,
    assigned: row.assigned,
    resolved: row.resolved,
    firstResponseMinutes: { median: responses.get(row.id) ?? null },
    resolutionMinutes: { median: resolutions.get(row.id) ?? null },
  }));
}

/** Each credited person's median minutes of the fact: walked for a range holding most of them, sorted otherwise. */
async function agentMedians(
  db: Db,
  { range, sealed }: { range: ReportRange; sealed: Date },
  fact: MeasuredFact,
  counts: ReadonlyMap<string, number>,
  rows: number,
  options: ReadOptions,
): Promise<Map<string, number | null>> {
  const n = [...counts.values()].reduce((sum, count) => sum + count, 0);
  if (n === 0) return new Map();
  if (walks(n, rows, options)) return walkedMedians(db, fact, { range, teamIds: range.teamIds }, sealed, [...counts.keys()]);
  const [cte, person] = fact === 'first_response' ? [sql`first_responses`, sql`author_id`] : [sql`resolutions`, sql`assignee_id`];
  const medians = await queryRows<{ person: string; median: number | null }>(
    db,
    sql`with ${facts(range)} select ${person} as person, ${median(sql`minutes`)} as median from ${cte} where ${person} is not null group by ${person}`,
  );
  return new Map(medians.map((row) => [row.person, row.median]));
}
