import { index, boolean, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tickets } from '../tickets/tickets.schema.js';
import type { RuleActions, RuleConditions } from './escalation-rule.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const escalationRules = pgTable(
  'escalation_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Validated against the API schema before it is stored. */
    conditions: jsonb('conditions').$type<RuleConditions>().notNull(),
    actions: jsonb('actions').$type<RuleActions>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('escalation_rules_created_idx').on(t.createdAt, t.id)],
);

/**
 * That a rule acted on a ticket. Inserted in the transaction of the rule's actions with
 * ON CONFLICT DO NOTHING: the primary key lets a rule act on a ticket once, even when
 * several server processes evaluate rules at the same moment.
 */
export const escalationApplications = pgTable(
  'escalation_applications',
  {
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => escalationRules.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    appliedAt: ts('applied_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.ticketId] }), index('escalation_applications_ticket_idx').on(t.ticketId)],
);
