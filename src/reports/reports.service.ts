import { stringify } from 'csv-stringify/sync';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import { reportTeams } from '../authz/policies/ticket.js';
import { teamNotFound } from '../teams/teams.service.js';
import type { AppContext } from '../context.js';
import { invalid, invalidField } from '../http/errors.js';
import { canonicalTimeZone, isCalendarDate } from '../sla/business-time.js';
import { isSupportedInstant } from '../http/instants.js';
import { DAY_MS, instantOfWallTime, localDateOf, localDaysOf, wallTimeOf } from './local-days.js';
import { agentReport, summaryReport, type AgentRow, type SummaryRow } from './summary.repository.js';
import {
  dailyReport,
  resolutionDistribution,
  tagReport,
  teamReport,
  type TagReportRow,
  type TeamReportRow,
  type DailyRow,
  type ReportRange,
} from './reports.repository.js';

const DEFAULT_DAYS = 30;
const MAX_DAYS = 3660;
const MAX_DAILY_DAYS = 1000;

export interface RangeQuery {
  from?: string | undefined;
  to?: string | undefined;
  /** Only this team's tickets. */
  teamId?: string | undefined;
  /** IANA name; days and bare dates are read in it. Default UTC. */
  timeZone?: string | undefined;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A bound as the instants it covers: a date its whole local day, a timestamp one instant. */
interface Bound {
  start: number;
  end: number;
}

function parseBound(name: string, text: string, timeZone: string): Bound {
  const wholeDay = isCalendarDate(text);
  const wall = wholeDay ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
  const start = wholeDay ? instantOfWallTime(wall, timeZone) : new Date(text).getTime();
  if ((!wholeDay && !TIMESTAMP.test(text)) || !isSupportedInstant(start)) {
    const message = `${name} must be a date (YYYY-MM-DD) or an ISO 8601 timestamp with a zone, between 1970 and 9999`;
    throw invalidField('invalid_range', name, message);
  }
  return { start, end: wholeDay ? instantOfWallTime(wall + DAY_MS, timeZone) : start };
}

/** The canonical name of an IANA zone: Intl reads "europe/berlin" too, and each name keeps a formatter. */
function zoneOf(name: string | undefined): string {
  if (name === undefined) return 'UTC';
  const zone = canonicalTimeZone(name);
  if (!zone) throw invalidField('invalid_input', 'timeZone', `Time zone ${name} is unknown: use an IANA name such as Europe/Berlin`);
  return zone;
}

export interface ZonedRange extends ReportRange {
  timeZone: string;
}

/**
 * The range a report covers, [from, to), with days read in the caller's time zone: a bare
 * `from` date starts at its local midnight, a bare `to` date includes that whole local day.
 * Without bounds: the last 30 whole local days, today included, so every report and its
 * daily series cover the same instants.
 */
export function reportRange(query: RangeQuery, now: Date): ZonedRange {
  const timeZone = zoneOf(query.timeZone);
  const from = query.from === undefined ? undefined : parseBound('from', query.from, timeZone);
  const to = query.to === undefined ? undefined : parseBound('to', query.to, timeZone);
  if (from && to && from.start > to.start) throw invalidField('invalid_range', 'from', 'from must not be after to');
  const today = Date.parse(`${localDateOf(now.getTime(), timeZone)}T00:00:00Z`);
  const tomorrow = instantOfWallTime(today + DAY_MS, timeZone);
  const daysBefore = (instant: number) => instantOfWallTime(wallTimeOf(instant, timeZone) - DEFAULT_DAYS * DAY_MS, timeZone);
  const [start, end] =
    from && to
      ? [from.start, to.end]
      : from
        ? [from.start, Math.max(tomorrow, from.start)]
        : to
          ? [daysBefore(to.end), to.end]
          : [daysBefore(tomorrow), tomorrow];
  if (end - start > MAX_DAYS * DAY_MS) throw invalid('range_too_long', `A report covers at most ${MAX_DAYS} days`);
  return { from: new Date(start), to: new Date(end), timeZone };
}

/**
 * The range and the teams a report covers: the `teamId` asked for, within the teams the
 * reader may see (a team-scoped reader asking for another team gets 404, as for a team
 * that does not exist).
 */
export function readerRange(actor: Actor, query: RangeQuery, now: Date): ZonedRange {
  authorize(actor, 'reports.read');
  const range = reportRange(query, now);
  const visible = reportTeams(actor);
  if (query.teamId === undefined) return { ...range, teamIds: visible };
  if (visible !== undefined && !visible.includes(query.teamId)) throw teamNotFound();
  return { ...range, teamIds: [query.teamId] };
}

export async function summaryFor(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<SummaryRow> {
  return summaryReport(ctx.database.db, readerRange(actor, query, ctx.now()));
}

export async function agentsFor(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<{ items: AgentRow[] }> {
  return { items: await agentReport(ctx.database.db, readerRange(actor, query, ctx.now())) };
}

export async function teamsFor(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<{ items: TeamReportRow[] }> {
  return { items: await teamReport(ctx.database.db, readerRange(actor, query, ctx.now())) };
}

/** Tags are internal: the report needs the sight of them (tickets.note) besides reports.read. */
export async function tagsFor(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<{ items: TagReportRow[] }> {
  authorize(actor, 'reports.read');
  authorize(actor, 'tags.read');
  return { items: await tagReport(ctx.database.db, readerRange(actor, query, ctx.now())) };
}

export async function dailyFor(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<{ items: DailyRow[] }> {
  const range = readerRange(actor, query, ctx.now());
  const days = localDaysOf(range.from, range.to, range.timeZone, MAX_DAILY_DAYS);
  if (!days) throw invalid('range_too_long', `A daily series covers at most ${MAX_DAILY_DAYS} days`);
  return { items: await dailyReport(ctx.database.db, range, days) };
}

export async function distributionFor(
  ctx: AppContext,
  actor: Actor,
  query: RangeQuery,
): Promise<{ buckets: { label: string; count: number }[] }> {
  return { buckets: await resolutionDistribution(ctx.database.db, readerRange(actor, query, ctx.now())) };
}

export type Cell = string | number | null;

/** A cell a spreadsheet would run as a formula (a name like "=HYPERLINK(…)") is quoted as text. */
const inert = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** CSV with a header row; empty cells stand for null. */
export const csv = (header: string[], rows: Cell[][]): string =>
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

export const teamsCsv = (teams: readonly TeamReportRow[]): string =>
  csv(
    ['teamId', 'name', 'created', 'resolved', 'firstResponseMinutesMedian', 'resolutionMinutesMedian'],
    teams.map((team) => [team.teamId, team.name, team.created, team.resolved, team.firstResponseMinutes.median, team.resolutionMinutes.median]),
  );

export const tagsCsv = (rows: readonly TagReportRow[]): string =>
  csv(['tag', 'created', 'resolved'], rows.map((row) => [row.tag, row.created, row.resolved]));
