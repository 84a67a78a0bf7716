import { bigint, date, index, integer, numeric, pgTable, smallint, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/**
 * The report roll-ups of migrations 0023 and 0025 (a row per person, or per minute bucket),
 * written only by their triggers and report_seal(): declared so that the schema is whole;
 * the reports read them in SQL (src/reports/report-days.ts).
 */
export const reportDays = pgTable(
  'report_days',
  {
    fact: text('fact').notNull(),
    day: date('day').notNull(),
    teamId: uuid('team_id'),
    agentId: uuid('agent_id'),
    n: integer('n').notNull(),
    seconds: numeric('seconds').notNull(),
    met: integer('met').notNull(),
    measured: integer('measured').notNull(),
    bucket: smallint('bucket'),
  },
  (t) => [unique('report_days_key').on(t.fact, t.day, t.teamId, t.agentId, t.bucket).nullsNotDistinct()],
);

/** Each person's minutes histogram per month and team (migration 0025), for the agent table's medians. */
export const reportPersonMonths = pgTable(
  'report_person_months',
  {
    fact: text('fact').notNull(),
    month: date('month').notNull(),
    teamId: uuid('team_id'),
    agentId: uuid('agent_id').notNull(),
    bucket: smallint('bucket').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [unique('report_person_months_key').on(t.fact, t.month, t.agentId, t.teamId, t.bucket).nullsNotDistinct()],
);

/** Days before `sealed_until` are rolled up; later ones are read from the tickets. */
export const reportRollup = pgTable('report_rollup', {
  sealedUntil: date('sealed_until').notNull(),
});

/** A repeated assignment of a ticket to the same agent, so a range counts the agent once. */
export const reportReassignments = pgTable(
  'report_reassignments',
  {
    eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id').notNull(),
    agentId: uuid('agent_id').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    previousAt: timestamp('previous_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('report_reassignments_previous_idx').on(t.previousAt)],
);
