import { stringify } from 'csv-stringify/sync';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import { invalid } from '../http/errors.js';
import { isCalendarDate } from '../sla/business-time.js';
import {
  agentReport,
  dailyReport,
  resolutionDistribution,
  summaryReport,
  type AgentRow,
  type DailyRow,
  type ReportRange,
  type SummaryRow,
} from './reports.repository.js';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 3660;
const MAX_DAILY_DAYS = 1000;

export interface RangeQuery {
  from?: string | undefined;
  to?: string | undefined;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

interface Bound {
  at: Date;
  /** A bare date: as `to` it includes that whole (UTC) day. */
  wholeDay: boolean;
}

// PostgreSQL's timestamptz reaches further back, but a year before 1970 or after 9999 is a
// typo, and year 0 (which JavaScript accepts) is not a PostgreSQL date at all.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);

function parseBound(name: string, text: string): Bound {
  const wholeDay = isCalendarDate(text);
  const at = new Date(wholeDay ? `${text}T00:00:00Z` : text);
  const time = at.getTime();
  if ((!wholeDay && !TIMESTAMP.test(text)) || Number.isNaN(time) || time < EARLIEST || time >= LATEST) {
    throw invalid('invalid_range', `${name} must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with a zone, between 1970 and 9999`);
  }
  return { at, wholeDay };
}

/**
 * The range a report covers, [from, to). A bare `to` date includes that whole day (UTC).
 * Without bounds: the last 30 whole UTC days, today included, so every report and its
 * daily series cover the same instants.
 */
export function reportRange(query: RangeQuery, now: Date): ReportRange {
  const from = query.from === undefined ? undefined : parseBound('from', query.from);
  const to = query.to === undefined ? undefined : parseBound('to', query.to);
  if (from && to && from.at > to.at) throw invalid('invalid_range', 'from must not be after to');
  const tomorrow = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  const end = to ? new Date(to.at.getTime() + (to.wholeDay ? DAY_MS : 0)) : undefined;
  const range =
    from && end
      ? { from: from.at, to: end }
      : from
        ? { from: from.at, to: new Date(Math.max(tomorrow.getTime(), from.at.getTime())) }
        : end
          ? { from: new Date(end.getTime() - DEFAULT_DAYS * DAY_MS), to: end }
          : { from: new Date(tomorrow.getTime() - DEFAULT_DAYS * DAY_MS), to: tomorrow };
  if (range.to.getTime() - range.from.getTime() > MAX_DAYS * DAY_MS) {
    throw invalid('range_too_long', `A report covers at most ${MAX_DAYS} days`);
  }
  return range;
}

export async function summaryFor(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<SummaryRow> {
  authorize(actor, 'reports.read');
  return summaryReport(ctx.database.db, reportRange(query, ctx.now()));
}

export async function agentsFor(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<{ items: AgentRow[] }> {
  authorize(actor, 'reports.read');
  return { items: await agentReport(ctx.database.db, reportRange(query, ctx.now())) };
}

export async function dailyFor(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<{ items: DailyRow[] }> {
  authorize(actor, 'reports.read');
  const range = reportRange(query, ctx.now());
  if (range.to.getTime() - range.from.getTime() > MAX_DAILY_DAYS * DAY_MS) {
    throw invalid('range_too_long', `A daily series covers at most ${MAX_DAILY_DAYS} days`);
  }
  return { items: await dailyReport(ctx.database.db, range) };
}

export async function distributionFor(
  ctx: AppContext,
  actor: Actor,
  query: RangeQuery,
): Promise<{ buckets: { label: string; count: number }[] }> {
  authorize(actor, 'reports.read');
  return { buckets: await resolutionDistribution(ctx.database.db, reportRange(query, ctx.now())) };
}

type Cell = string | number | null;

/** A cell a spreadsheet would run as a formula (a name like "=HYPERLINK(…)") is quoted as text. */
const inert = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** CSV with a header row; empty cells stand for null. */
const csv = (header: string[], rows: Cell[][]): string =>
  stringify([header, ...rows], { cast: { number: String, string: inert } });

export const summaryCsv = (summary: SummaryRow): string =>
  csv(
    [
      'created',
      'resolved',
      'backlog',
      'escalated',
      'firstResponseMinutesAvg',
      'firstResponseMinutesMedian',
      'firstResponseMinutesP90',
      'resolutionMinutesAvg',
      'resolutionMinutesMedian',
      'resolutionMinutesP90',
      'slaFirstResponseMet',
      'slaResolutionMet',
    ],
    [
      [
        summary.created,
        summary.resolved,
        summary.backlog,
        summary.escalated,
        summary.firstResponseMinutes.avg,
        summary.firstResponseMinutes.median,
        summary.firstResponseMinutes.p90,
        summary.resolutionMinutes.avg,
        summary.resolutionMinutes.median,
        summary.resolutionMinutes.p90,
        summary.slaFirstResponseMet,
        summary.slaResolutionMet,
      ],
    ],
  );

export const agentsCsv = (agents: readonly AgentRow[]): string =>
  csv(
    ['agentId', 'name', 'assigned', 'resolved', 'firstResponseMinutesMedian', 'resolutionMinutesMedian'],
    agents.map((agent) => [
      agent.agentId,
      agent.name,
      agent.assigned,
      agent.resolved,
      agent.firstResponseMinutes.median,
      agent.resolutionMinutes.median,
    ]),
  );
