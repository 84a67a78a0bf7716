import { sql } from 'drizzle-orm';
import type { Actor } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { invalid } from '../http/errors.js';
import { localDaysOf } from '../reports/local-days.js';
import { csv, readerRange, type RangeQuery } from '../reports/reports.service.js';
import { satisfactionFigures, type Figures } from './satisfaction.repository.js';

const MAX_DAYS = 1000;

/** Figures with the two ratios: score = good ÷ answered, response rate = answered ÷ asked (null when nothing to divide). */
export interface Csat extends Figures {
  score: number | null;
  responseRate: number | null;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const csat = (figures: Figures): Csat => ({
  asked: figures.asked,
  answered: figures.answered,
  good: figures.good,
  bad: figures.bad,
  score: ratio(figures.good, figures.answered),
  responseRate: ratio(figures.answered, figures.asked),
});
const NONE: Figures = { asked: 0, answered: 0, good: 0, bad: 0 };

export interface CsatReport {
  total: Csat;
  days: (Csat & { date: string })[];
  agents: (Csat & { agentId: string | null; name: string | null })[];
  teams: (Csat & { teamId: string | null; name: string | null })[];
}

/**
 * Satisfaction requests asked in the range (in the reader's teams, or the one asked for),
 * in total, per local day (every day listed), per agent and per team they credit (the
 * assignee and team when the ticket was resolved; null: none).
 */
export async function satisfactionReport(ctx: AppContext, actor: Actor, query: RangeQuery): Promise<CsatReport> {
  const range = readerRange(actor, query, ctx.now());
  const days = localDaysOf(range.from, range.to, range.timeZone, MAX_DAYS);
  if (!days) throw invalid('range_too_long', `A daily series covers at most ${MAX_DAYS} days`);
  const { db } = ctx.database;
  const midnights = `{${days.map((day) => day.start.toISOString()).join(',')}}`;
  const [total, perDay, perAgent, perTeam] = await Promise.all([
    satisfactionFigures(db, range, sql`null::text`),
    satisfactionFigures(db, range, sql`width_bucket(r.asked_at, ${midnights}::timestamptz[])::text`),
    satisfactionFigures(db, range, sql`r.agent_id::text`, sql`(select u.name from users u where u.id = r.agent_id)`),
    satisfactionFigures(db, range, sql`r.team_id::text`, sql`(select t.name from teams t where t.id = r.team_id)`),
  ]);
  const dayFigures = new Map(perDay.map((row) => [row.key, row]));
  return {
    total: csat(total[0] ?? NONE),
    days: days.map((day, index) => ({ date: day.date, ...csat(dayFigures.get(String(index + 1)) ?? NONE) })),
    agents: perAgent.map((row) => ({ agentId: row.key, name: row.name, ...csat(row) })),
    teams: perTeam.map((row) => ({ teamId: row.key, name: row.name, ...csat(row) })),
  };
}

const FIGURES = ['asked', 'answered', 'good', 'bad', 'score', 'responseRate'] as const;

/** One table: a row per day, agent and team, `group` saying which, then the total. */
export function satisfactionCsv(report: CsatReport): string {
  const cells = (figures: Csat) => FIGURES.map((name) => figures[name]);
  return csv(
    ['group', 'date', 'id', 'name', ...FIGURES],
    [
      ...report.days.map((day) => ['day', day.date, null, null, ...cells(day)]),
      ...report.agents.map((agent) => ['agent', null, agent.agentId, agent.name, ...cells(agent)]),
      ...report.teams.map((team) => ['team', null, team.teamId, team.name, ...cells(team)]),
      ['total', null, null, null, ...cells(report.total)],
    ],
  );
}
