import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { isOneOf } from '../db/types.js';
import { TICKET_PRIORITIES } from '../tickets/ticket-status.js';
import { tickets } from '../tickets/tickets.schema.js';
import type { WorkingHours } from './business-time.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One row per priority, seeded with the defaults by migration; managers edit them. */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    priority: text('priority', { enum: TICKET_PRIORITIES }).primaryKey(),
    firstResponseMinutes: integer('first_response_minutes').notNull(),
    resolutionMinutes: integer('resolution_minutes').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('sla_policies_priority_check', isOneOf(t.priority, TICKET_PRIORITIES)),
    check('sla_policies_minutes_check', sql`${t.firstResponseMinutes} > 0 and ${t.resolutionMinutes} > 0`),
  ],
);

/** The business calendar: at most one row (id is always true); no row means calendar minutes. */
export const businessHours = pgTable(
  'business_hours',
  {
    id: boolean('id').primaryKey().default(true),
    timezone: text('timezone').notNull(),
    days: jsonb('days').$type<WorkingHours[]>().notNull(),
    holidays: jsonb('holidays').$type<string[]>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [check('business_hours_single_row', sql`${t.id}`)],
);

/**
 * A missed target, at most one row per ticket and target: the key is what makes the
 * breach event (and the managers' notification) happen once, however many checks race.
 */
export const slaBreaches = pgTable(
  'sla_breaches',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    target: text('target', { enum: ['first_response', 'resolution'] }).notNull(),
    dueAt: ts('due_at').notNull(),
    breachedAt: ts('breached_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.target] }),
    check('sla_breaches_target_check', sql`${t.target} in ('first_response', 'resolution')`),
  ],
);
