import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/users.schema.js';
import type { MacroActions } from './macro-actions.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Canned replies with ticket changes: shared (no owner, managed with macros.manage) or one agent's own. */
export const macros = pgTable(
  'macros',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The reply text, with placeholders (src/macros/macro-template.ts) filled in when applied. */
    body: text('body').notNull(),
    /** Validated against the API schema before it is stored. */
    actions: jsonb('actions').$type<MacroActions>().notNull(),
    /** Null: shared by the whole desk. */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('macros_owner_name_idx').on(t.ownerId, t.name)],
);
