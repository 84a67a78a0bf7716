import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { isOneOf } from '../db/types.js';
import { users } from '../users/users.schema.js';
import { AVAILABILITIES } from './availability.js';

/** An agent's availability and capacity for automatic assignment; no row: available, no limit. */
export const agentPresence = pgTable(
  'agent_presence',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    availability: text('availability', { enum: AVAILABILITIES }).notNull().default('available'),
    /** At most this many open tickets are assigned to them automatically; null: no limit. */
    maxOpen: integer('max_open'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('agent_presence_availability_check', isOneOf(t.availability, AVAILABILITIES)),
    check('agent_presence_max_open_check', sql`${t.maxOpen} is null or ${t.maxOpen} >= 0`),
  ],
);
