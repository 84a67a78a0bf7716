import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { SortOrder, TicketSort } from '../tickets/ticket-sort.js';
import { users } from '../users/users.schema.js';
import type { ViewFilters } from './view-filters.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Named queue filters and order: shared (no owner, managed with views.manage) or one person's own. */
export const savedViews = pgTable(
  'saved_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** Validated against the API schema before it is stored. */
    filters: jsonb('filters').$type<ViewFilters>().notNull(),
    sort: text('sort').$type<TicketSort>(),
    sortOrder: text('sort_order').$type<SortOrder>(),
    /** Null: shared by the whole desk. */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('saved_views_owner_name_idx').on(t.ownerId, t.name)],
);
