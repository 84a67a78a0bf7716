import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';
import type { LocalDay } from './local-days.js';
import { arrayLiteral, type Window } from './report-days.js';

/**
 * The report query layer. Every report reads the facts each ticket row keeps in step with
 * its history (created_at, first_response_at and first_responder_id, resolved_at and
 * resolution_assignee_id, the due dates, status), through the CTEs of `facts`, which every
 * report shares: the summary, the agent table, the daily series and the distribution count
 * the same tickets the same way, so they cannot disagree. Each fact has an index that covers
 * what is read of it (migration 0009), so a range is one index-only scan per fact.
 *
 * Definitions, for a range [from, to):
 * - created: tickets created in the range.
 * - first response: the first public message by staff (agent or manager at the time)
 *   on a ticket; measured for tickets whose first response is in the range, in calendar
 *   minutes from creation. Credited to its author.
 * - resolution: a ticket's final resolution, i.e. its last status change other than a
 *   close, if that change was to `resolved` (a reopened ticket not resolved again has
 *   none); measured for final resolutions in the range, in calendar minutes from
 *   creation to that last `resolved`. Credited to the assignee at that moment. On the row:
 *   resolving stamps resolved_at, a reopen clears it and a close keeps it, so this is
 *   "resolved_at in the range and status resolved or closed".
 * - SLA met: among those measured tickets that had a due date, the share answered
 *   (resolved) by it; null when none was measured.
 * - backlog: tickets created before `to` whose status at `to` was not resolved or closed.
 *   Counted as the backlog now, less the tickets created and reopened since `to`, plus
 *   those resolved or closed since: the same, as every status change records its `from`.
 * - escalated: tickets an escalation rule acted on, or that were moved to `escalated`,
 *   in the range.
 * - assigned (agent table): tickets assigned to the agent in the range, from the history.
 */

export interface ReportRange {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Only the tickets of these teams (a team filter, or a team-scoped reader); undefined: every ticket. */
  teamIds?: readonly string[] | undefined;
}

/** `and …` keeping a query over `tickets t` to the range's teams; nothing when it has none. */
export const inTeams = (range: ReportRange): SQL =>
  range.teamIds === undefined ? sql`` : sql` and t.team_id = any(${arrayLiteral(range.teamIds)}::uuid[])`;

/** The same for a query over `ticket_events e`. */
export const eventInTeams = (range: ReportRange): SQL =>
  range.teamIds === undefined ? sql`` : sql` and e.ticket_id in (select t.id from tickets t where true${inTeams(range)})`;

export const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** In float8: extract() answers numeric, whose sort and average cost three times as much over a year of tickets. */
const minutesSince = (start: SQL, end: SQL) => sql`date_part('epoch', ${end} - ${start}) / 60`;
/** Exact (numeric), so sums over days add up to the sum over the range. */
const secondsSince = (start: SQL, end: SQL) => sql`extract(epoch from ${end} - ${start})`;
const metBy = (when: SQL, due: SQL) => sql`case when ${due} is null then null else ${when} <= ${due} end`;

interface FactOptions {
  /** Each ticket's team (the team report). */
  withTeam?: boolean;
  /** Each ticket's tags (the tag report). */
  withTags?: boolean;
  /** The stretches to read, when not the whole range (the rest comes from report_days). */
  windows?: readonly Window[];
}

/** The union of `select` over the windows, each bounded by its own [from, to). */
const overWindows = (windows: readonly Window[], select: (from: SQL, to: SQL) => SQL): SQL =>
  // No window: bounds of null, which no row is within.
  windows.length === 0 ? select(sql`null`, sql`null`) : sql.join(windows.map((w) => select(at(w.from), at(w.to))), sql` union all `);

/**
 * The CTEs every report reads: tickets created, first responses, final resolutions and
 * assignment events in the range (or in `windows` of it). `withTeam` and `withTags` add each
 * ticket's team and tags: the other reports leave them out, so their scans stay index-only.
 */
export function facts(range: ReportRange, options: FactOptions = {}): SQL {
  const windows = options.windows ?? [range];
  const team = sql`${options.withTeam ? sql`, t.team_id` : sql``}${options.withTags ? sql`, t.tags` : sql``}`;
  const scoped = inTeams(range);
  return sql`
    first_responses as (${overWindows(
      windows,
      (from, to) => sql`select t.first_response_at as at, t.first_responder_id as author_id${team},
             ${minutesSince(sql`t.created_at`, sql`t.first_response_at`)} as minutes,
             ${secondsSince(sql`t.created_at`, sql`t.first_response_at`)} as seconds,
             ${metBy(sql`t.first_response_at`, sql`t.first_response_due_at`)} as met
      from tickets t
      where t.first_response_at >= ${from} and t.first_response_at < ${to}${scoped}`,
    )}),
    resolutions as (${overWindows(
      windows,
      (from, to) => sql`select t.resolved_at as at, t.resolution_assignee_id as assignee_id${team},
             ${minutesSince(sql`t.created_at`, sql`t.resolved_at`)} as minutes,
             ${secondsSince(sql`t.created_at`, sql`t.resolved_at`)} as seconds,
             ${metBy(sql`t.resolved_at`, sql`t.resolution_due_at`)} as met
      from tickets t
      where t.resolved_at >= ${from} and t.resolved_at < ${to} and t.status in ('resolved', 'closed')${scoped}`,
    )}),
    created as (${overWindows(
      windows,
      (from, to) => sql`select t.created_at as at${team} from tickets t where t.created_at >= ${from} and t.created_at < ${to}${scoped}`,
    )}),
    assignment_events as (${overWindows(
      windows,
      (from, to) => sql`select e.ticket_id, (e.data->>'to')::uuid as agent_id from ticket_events e
      where e.type = 'ticket.assignee_changed' and e.data->>'to' is not null
        and e.created_at >= ${from} and e.created_at < ${to}${eventInTeams(range)}`,
    )})`;
}

const SETTLED = sql`('resolved', 'closed')`;

/**
 * Tickets not resolved or closed at `to` (see the definition above), as the backlog now
 * less the tickets created and reopened since `to`, plus those resolved or closed since
 * (every status change records the status it left). Each count is one index-only scan:
 * tickets_backlog_idx, tickets_created_idx, ticket_events_reopened_idx and
 * ticket_events_settled_idx; the last three are empty for a report ending now.
 */
export function backlog(range: ReportRange): SQL {
  const to = at(range.to);
  const scoped = inTeams(range);
  const changesSince = (from: SQL, into: SQL) => sql`(select count(*) from ticket_events e
    where e.type = 'ticket.status_changed' and e.data->>'from' ${from} ${SETTLED} and e.data->>'to' ${into} ${SETTLED}
      and e.created_at >= ${to}${eventInTeams(range)})`;
  return sql`(
    (select count(*) from tickets t where t.status not in ${SETTLED}${scoped})
    - (select count(*) from tickets t where t.created_at >= ${to}${scoped})
    - ${changesSince(sql`in`, sql`not in`)}
    + ${changesSince(sql`not in`, sql`in`)}
  )`;
}

/** Minutes rounded to hundredths, so both drivers answer the same number. */
export const minutes = (aggregate: SQL) => sql`round((${aggregate})::numeric, 2)::float8`;
/** Median and 90th percentile from one sort of the minutes. */
export const percentiles = sql`percentile_cont(array[0.5, 0.9]::float8[]) within group (order by minutes)`;
export const median = (column: SQL) => minutes(sql`percentile_cont(0.5) within group (order by ${column})`);

export interface DailyRow {
  date: string;
  created: number;
  resolved: number;
}

/**
 * Tickets created and finally resolved per day of `days` (the calendar days of the range in
 * the caller's zone, each with its local midnight), every day listed. The days are cut in
 * JavaScript, which checked the zone; PostgreSQL only sorts each row into its day with
 * width_bucket (a binary search over the midnights), so its own zone data never has to
 * agree with Node's, and each fact is still one index range scan.
 */
export async function dailyReport(db: Db, range: ReportRange, days: readonly LocalDay[]): Promise<DailyRow[]> {
  if (days.length === 0) return [];
  const dates = arrayLiteral(days.map((day) => day.date));
  const midnights = arrayLiteral(days.map((day) => day.start.toISOString()));
  const perDay = (fact: string) =>
    sql`select width_bucket(at, ${midnights}::timestamptz[]) as n, count(*) as count from ${sql.identifier(fact)} group by 1`;
  return queryRows<DailyRow>(
    db,
    sql`with ${facts(range)},
      days as (select date, n from unnest(${dates}::text[]) with ordinality as d(date, n)),
      created_per_day as (${perDay('created')}),
      resolved_per_day as (${perDay('resolutions')})
      select days.date,
             coalesce(c.count, 0)::int as created,
             coalesce(r.count, 0)::int as resolved
      from days
      left join created_per_day c on c.n = days.n
      left join resolved_per_day r on r.n = days.n
      order by days.n`,
  );
}

/** Upper bounds in minutes (exclusive) of the resolution-time buckets; the last is open. */
export const RESOLUTION_BUCKETS = [
  { label: '<1h', below: 60 },
  { label: '1-4h', below: 240 },
  { label: '4-24h', below: 1440 },
  { label: '1-3d', below: 4320 },
  { label: '>3d', below: null },
] as const;

export async function resolutionDistribution(db: Db, range: ReportRange): Promise<{ label: string; count: number }[]> {
  const counts = RESOLUTION_BUCKETS.map((bucket, index) => {
    const lower = index === 0 ? undefined : RESOLUTION_BUCKETS[index - 1]?.below;
    const conditions = [
      lower === undefined ? undefined : sql`minutes >= ${lower}`,
      bucket.below === null ? undefined : sql`minutes < ${bucket.below}`,
    ].filter((condition) => condition !== undefined);
    const where = conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `);
    return sql`(count(*) filter (where ${where}))::int as ${sql.identifier(`b${index}`)}`;
  });
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`with ${facts(range)} select ${sql.join(counts, sql`, `)} from resolutions`,
  );
  return RESOLUTION_BUCKETS.map((bucket, index) => ({ label: bucket.label, count: row?.[`b${index}`] ?? 0 }));
}

export interface TeamReportRow {
  /** Null: the tickets of no team. */
  teamId: string | null;
  name: string | null;
  created: number;
  resolved: number;
  firstResponseMinutes: { median: number | null };
  resolutionMinutes: { median: number | null };
}

/**
 * One row per team (by name), and one for the tickets of no team, counted by the team each
 * ticket has now. A range limited to teams lists those teams only.
 */
export async function teamReport(db: Db, range: ReportRange): Promise<TeamReportRow[]> {
  const listed =
    range.teamIds === undefined
      ? sql`select id, name from teams union all select null::uuid, null::text`
      : sql`select id, name from teams where id = any(${arrayLiteral(range.teamIds)}::uuid[])`;
  const rows = await queryRows<{ id: string | null; name: string | null; created: number; resolved: number; fr_median: number | null; res_median: number | null }>(
    db,
    sql`with ${facts(range, { withTeam: true })},
      listed as (${listed}),
      created_by as (select team_id, count(*) as n from created group by team_id),
      resolved_by as (select team_id, count(*) as n, ${median(sql`minutes`)} as median from resolutions group by team_id),
      responded_by as (select team_id, ${median(sql`minutes`)} as median from first_responses group by team_id)
      select l.id, l.name, coalesce(c.n, 0)::int as created, coalesce(r.n, 0)::int as resolved,
             f.median as fr_median, r.median as res_median
      from listed l
      left join created_by c on c.team_id is not distinct from l.id
      left join resolved_by r on r.team_id is not distinct from l.id
      left join responded_by f on f.team_id is not distinct from l.id
      order by l.name nulls last, l.id`,
  );
  return rows.map((row) => ({
    teamId: row.id,
    name: row.name,
    created: row.created,
    resolved: row.resolved,
    firstResponseMinutes: { median: row.fr_median },
    resolutionMinutes: { median: row.res_median },
  }));
}

export interface TagReportRow {
  tag: string;
  created: number;
  resolved: number;
}

/**
 * Per tag: tickets created and finally resolved in the range (as `facts` defines them),
 * counted by the tags each ticket carries now. Tags no such ticket carries are left out.
 */
export async function tagReport(db: Db, range: ReportRange): Promise<TagReportRow[]> {
  return queryRows<TagReportRow>(
    db,
    sql`with ${facts(range, { withTags: true })},
      created_tags as (select tag, count(*) as n from created, unnest(created.tags) as tag group by tag),
      resolved_tags as (select tag, count(*) as n from resolutions, unnest(resolutions.tags) as tag group by tag)
      select coalesce(c.tag, r.tag) as tag, coalesce(c.n, 0)::int as created, coalesce(r.n, 0)::int as resolved
      from created_tags c full join resolved_tags r on r.tag = c.tag
      order by 2 desc, 3 desc, 1`,
  );
}
