import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ticketEvents, tickets } from '../tickets/tickets.schema.js';
import { users } from '../users/users.schema.js';
import type { NotificationKind } from './notification-kinds.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Who is told what about which ticket event: a notification's columns, also those of one held in a batch. */
const notificationColumns = () => ({
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  ticketId: uuid('ticket_id')
    .notNull()
    .references(() => tickets.id, { onDelete: 'cascade' }),
  /** The ticket event the notification is about. */
  eventId: bigint('event_id', { mode: 'number' })
    .notNull()
    .references(() => ticketEvents.id, { onDelete: 'cascade' }),
  type: text('type').$type<NotificationKind>().notNull(),
  title: text('title').notNull(),
});

/**
 * In-app notifications. The id is drawn from the ticket-event sequence, so ticket events
 * and notifications share one increasing id space: the live stream uses it as the
 * Server-Sent Events id, and a client resuming from any id misses neither kind.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint('id', { mode: 'number' })
      .primaryKey()
      .default(sql`nextval('ticket_events_id_seq')`),
    ...notificationColumns(),
    createdAt: ts('created_at').notNull().defaultNow(),
    readAt: ts('read_at'),
    /** How many tickets a grouped notification covers (see `notificationTickets`); null: it is about `ticketId` alone. */
    groupSize: integer('group_size'),
  },
  (t) => [
    // A user's list, newest first, and their unread ones (list and count).
    index('notifications_user_id_idx').on(t.userId, t.id),
    index('notifications_user_unread_idx').on(t.userId, t.id).where(sql`${t.readAt} is null`),
  ],
);

/** One row per user and kind they changed; a missing row means the defaults (everything on). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    email: boolean('email').notNull().default(true),
    inApp: boolean('in_app').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/**
 * The tickets of a grouped notification ("33 tickets missed their SLA"); its `ticketId`
 * is the first of them. Each recipient's group holds only tickets they could see.
 */
export const notificationTickets = pgTable(
  'notification_tickets',
  {
    notificationId: bigint('notification_id', { mode: 'number' })
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.ticketId] }), index('notification_tickets_ticket_id_idx').on(t.ticketId)],
);

/**
 * A batch of ticket changes under way (one SLA and escalation run, one bulk request) whose
 * notifications are to be grouped when it ends (notification-batch.ts).
 */
export const notificationBatches = pgTable('notification_batches', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** A batch this old is taken for one a crash left open, and ended by the next escalation run. */
  startedAt: ts('started_at').notNull(),
});

/**
 * The in-app notifications of an open batch, each written in its ticket change's transaction
 * and seen by nobody until the batch ends and turns them into `notifications` rows.
 */
export const notificationBatchItems = pgTable(
  'notification_batch_items',
  {
    batchId: uuid('batch_id')
      .notNull()
      .references(() => notificationBatches.id, { onDelete: 'cascade' }),
    ...notificationColumns(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.eventId, t.userId, t.type] })],
);
