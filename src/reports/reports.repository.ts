import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';

/**
 * The report query layer. Everything is derived from the ticket history (ticket_events)
 * plus the tickets' creation time and due dates, through the CTEs of `facts`, which
 * every report shares: the summary, the agent table, the daily series and the
 * distribution count the same tickets the same way, so they cannot disagree.
 *
 * Definitions, for a range [from, to):
 * - created: tickets whose `ticket.created` event is in the range.
 * - first response: the first public message by staff (agent or manager at the time)
 *   on a ticket; measured for tickets whose first response is in the range, in calendar
 *   minutes from creation. Credited to its author.
 * - resolution: a ticket's final resolution, i.e. its last status change other than a
 *   close, if that change was to `resolved` (a reopened ticket not resolved again has
 *   none); measured for final resolutions in the range, in calendar minutes from
 *   creation to that last `resolved`. Credited to the assignee at that moment.
 * - SLA met: among those measured tickets that had a due date, the share answered
 *   (resolved) by it; null when none was measured.
 * - backlog: tickets created before `to` whose status at `to` was not resolved or closed.
 * - escalated: tickets an escalation rule acted on, or that were moved to `escalated`,
 *   in the range.
 */

export interface ReportRange {
  from: Date;
  /** Exclusive. */
  to: Date;
}

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

const STAFF_REPLY = sql`e.type = 'ticket.message' and not e.internal and e.data->>'authorRole' in ('agent', 'manager')`;

/** The CTEs every report reads: first responses and final resolutions in the range, with their minutes. */
function facts(range: ReportRange): SQL {
  const from = at(range.from);
  const to = at(range.to);
  return sql`
    first_responses as (
      select f.ticket_id, f.at, f.author_id,
             extract(epoch from (f.at - t.created_at)) / 60 as minutes,
             case when t.first_response_due_at is null then null else f.at <= t.first_response_due_at end as met
      from (select distinct e.ticket_id from ticket_events e
            where ${STAFF_REPLY} and e.created_at >= ${from} and e.created_at < ${to}) candidate
      cross join lateral (
        select e.ticket_id, e.created_at as at, e.actor_id as author_id from ticket_events e
        where e.ticket_id = candidate.ticket_id and ${STAFF_REPLY}
        order by e.id limit 1) f
      join tickets t on t.id = f.ticket_id
      where f.at >= ${from} and f.at < ${to}
    ),
    resolutions as (
      select r.ticket_id, r.at,
             (select (a.data->>'to')::uuid from ticket_events a
              where a.ticket_id = r.ticket_id and a.type = 'ticket.assignee_changed' and a.id < r.id
              order by a.id desc limit 1) as assignee_id,
             extract(epoch from (r.at - t.created_at)) / 60 as minutes,
             case when t.resolution_due_at is null then null else r.at <= t.resolution_due_at end as met
      from (select distinct e.ticket_id from ticket_events e
            where e.type = 'ticket.status_changed' and e.data->>'to' = 'resolved'
              and e.created_at >= ${from} and e.created_at < ${to}) candidate
      cross join lateral (
        select e.ticket_id, e.id, e.created_at as at, e.data->>'to' as status from ticket_events e
        where e.ticket_id = candidate.ticket_id and e.type = 'ticket.status_changed' and e.data->>'to' <> 'closed'
        order by e.id desc limit 1) r
      join tickets t on t.id = r.ticket_id
      where r.status = 'resolved' and r.at >= ${from} and r.at < ${to}
    ),
    created as (
      select e.ticket_id, e.created_at as at from ticket_events e
      where e.type = 'ticket.created' and e.created_at >= ${from} and e.created_at < ${to}
    ),
    assignments as (
      select distinct e.ticket_id, (e.data->>'to')::uuid as agent_id from ticket_events e
      where e.type = 'ticket.assignee_changed' and e.data->>'to' is not null
        and e.created_at >= ${from} and e.created_at < ${to}
    )`;
}

/** Minutes rounded to hundredths, so both drivers answer the same number. */
const minutes = (aggregate: SQL) => sql`round((${aggregate})::numeric, 2)::float8`;
const median = (column: SQL) => minutes(sql`percentile_cont(0.5) within group (order by ${column})`);
const p90 = (column: SQL) => minutes(sql`percentile_cont(0.9) within group (order by ${column})`);
const metShare = sql`(count(*) filter (where met))::float8 / nullif(count(*) filter (where met is not null), 0)`;

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

interface SummaryRecord {
  created: number;
  resolved: number;
  backlog: number;
  escalated: number;
  fr_avg: number | null;
  fr_median: number | null;
  fr_p90: number | null;
  fr_met: number | null;
  res_avg: number | null;
  res_median: number | null;
  res_p90: number | null;
  res_met: number | null;
}

export async function summaryReport(db: Db, range: ReportRange): Promise<SummaryRow> {
  const from = at(range.from);
  const to = at(range.to);
  const [row] = await queryRows<SummaryRecord>(
    db,
    sql`with ${facts(range)},
      first_response_stats as (
        select ${minutes(sql`avg(minutes)`)} as avg, ${median(sql`minutes`)} as median, ${p90(sql`minutes`)} as p90,
               ${metShare} as met
        from first_responses
      ),
      resolution_stats as (
        select ${minutes(sql`avg(minutes)`)} as avg, ${median(sql`minutes`)} as median, ${p90(sql`minutes`)} as p90,
               ${metShare} as met
        from resolutions
      )
      select
        (select count(*) from created)::int as created,
        (select count(*) from resolutions)::int as resolved,
        (select count(*) from ticket_events c
          where c.type = 'ticket.created' and c.created_at < ${to}
            and coalesce((select s.data->>'to' from ticket_events s
                          where s.ticket_id = c.ticket_id and s.type = 'ticket.status_changed' and s.created_at < ${to}
                          order by s.id desc limit 1), 'open') not in ('resolved', 'closed'))::int as backlog,
        (select count(distinct e.ticket_id) from ticket_events e
          where e.type in ('ticket.escalated', 'ticket.status_changed')
            and (e.type = 'ticket.escalated' or e.data->>'to' = 'escalated')
            and e.created_at >= ${from} and e.created_at < ${to})::int as escalated,
        f.avg as fr_avg, f.median as fr_median, f.p90 as fr_p90, f.met as fr_met,
        r.avg as res_avg, r.median as res_median, r.p90 as res_p90, r.met as res_met
      from first_response_stats f, resolution_stats r`,
  );
  if (!row) throw new Error('summary report returned no row');
  return {
    created: row.created,
    resolved: row.resolved,
    backlog: row.backlog,
    escalated: row.escalated,
    firstResponseMinutes: { avg: row.fr_avg, median: row.fr_median, p90: row.fr_p90 },
    resolutionMinutes: { avg: row.res_avg, median: row.res_median, p90: row.res_p90 },
    slaFirstResponseMet: row.fr_met,
    slaResolutionMet: row.res_met,
  };
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
  fr_median: number | null;
  res_median: number | null;
}

/**
 * One row per active agent and manager, plus anyone else (a former agent) credited with
 * something in the range; by name.
 */
export async function agentReport(db: Db, range: ReportRange): Promise<AgentRow[]> {
  const rows = await queryRows<AgentRecord>(
    db,
    sql`with ${facts(range)}
      select u.id, u.name,
        (select count(*) from assignments a where a.agent_id = u.id)::int as assigned,
        (select count(*) from resolutions r where r.assignee_id = u.id)::int as resolved,
        (select ${median(sql`minutes`)} from first_responses f where f.author_id = u.id) as fr_median,
        (select ${median(sql`minutes`)} from resolutions r where r.assignee_id = u.id) as res_median
      from users u
      where (u.role in ('agent', 'manager') and u.active)
         or u.id in (select author_id from first_responses)
         or u.id in (select assignee_id from resolutions)
         or u.id in (select agent_id from assignments)
      order by u.name, u.id`,
  );
  return rows.map((row) => ({
    agentId: row.id,
    name: row.name,
    assigned: row.assigned,
    resolved: row.resolved,
    firstResponseMinutes: { median: row.fr_median },
    resolutionMinutes: { median: row.res_median },
  }));
}

export interface DailyRow {
  date: string;
  created: number;
  resolved: number;
}

/** Tickets created and finally resolved per UTC day of the range, every day listed. */
export async function dailyReport(db: Db, range: ReportRange): Promise<DailyRow[]> {
  const lastDay = new Date(range.to.getTime() - 1).toISOString().slice(0, 10);
  const firstDay = range.from.toISOString().slice(0, 10);
  if (range.to <= range.from) return [];
  return queryRows<DailyRow>(
    db,
    sql`with ${facts(range)},
      days as (select d::date as day from generate_series(${firstDay}::date, ${lastDay}::date, interval '1 day') d),
      created_per_day as (select (at at time zone 'UTC')::date as day, count(*) as n from created group by 1),
      resolved_per_day as (select (at at time zone 'UTC')::date as day, count(*) as n from resolutions group by 1)
      select to_char(days.day, 'YYYY-MM-DD') as date,
             coalesce(c.n, 0)::int as created,
             coalesce(r.n, 0)::int as resolved
      from days
      left join created_per_day c on c.day = days.day
      left join resolved_per_day r on r.day = days.day
      order by days.day`,
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
