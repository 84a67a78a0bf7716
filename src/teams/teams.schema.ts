import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { isOneOf } from '../db/types.js';
import { users } from '../users/users.schema.js';
import { ASSIGNMENT_MODES } from './team-settings.js';
import type { RoutingConditions } from './routing.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** Its agents see only their teams' tickets (and those assigned to them), see src/authz/policies/ticket.ts. */
    restrictAgents: boolean('restrict_agents').notNull().default(false),
    assignment: text('assignment', { enum: ASSIGNMENT_MODES }).notNull().default('off'),
    isDefault: boolean('is_default').notNull().default(false),
    /** Round robin's cursor: whom it gave the last ticket. The row is locked while the next one is chosen. */
    lastAssigneeId: uuid('last_assignee_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('teams_assignment_check', isOneOf(t.assignment, ASSIGNMENT_MODES)),
    uniqueIndex('teams_name_idx').on(sql`lower(${t.name})`),
    uniqueIndex('teams_default_idx').on(t.isDefault).where(sql`${t.isDefault}`),
  ],
);

export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user_idx').on(t.userId)],
);

/** Which team a new ticket goes to: the first rule (by position) whose conditions all hold. */
export const routingRules = pgTable('routing_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  position: integer('position').notNull(),
  conditions: jsonb('conditions').$type<RoutingConditions>().notNull().default({}),
  teamId: uuid('team_id')
    .notNull()
    .references(() => teams.id, { onDelete: 'cascade' }),
  createdAt: ts('created_at').notNull().defaultNow(),
});
