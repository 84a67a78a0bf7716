import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { isOneOf } from '../db/types.js';
import { teams } from '../teams/teams.schema.js';
import { tickets } from '../tickets/tickets.schema.js';
import { users } from '../users/users.schema.js';
import { RATINGS } from './rating.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One satisfaction request per ticket, made when it is first resolved; the answer, once
 * given, can be changed until `expires_at` or the ticket is closed. Agent and team are those
 * the ticket had when it was resolved: reports credit them.
 */
export const satisfactionRatings = pgTable(
  'satisfaction_ratings',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').references(() => users.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    askedAt: ts('asked_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    rating: text('rating', { enum: RATINGS }),
    comment: text('comment'),
    answeredAt: ts('answered_at'),
  },
  (t) => [
    check('satisfaction_ratings_rating_check', sql`${t.rating} is null or ${isOneOf(t.rating, RATINGS)}`),
    index('satisfaction_ratings_asked_idx').on(t.askedAt),
  ],
);
