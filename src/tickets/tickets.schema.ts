import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { isOneOf, tsvector } from '../db/types.js';
import { ticketSortKeys, type SortColumns } from './ticket-sort-keys.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from './ticket-status.js';
import { teams } from '../teams/teams.schema.js';
import { users } from '../users/users.schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

type Timed = { createdAt: AnyPgColumn; firstResponseAt: AnyPgColumn; resolvedAt: AnyPgColumn };
const firstResponseMinutes = (t: Timed) => sql`(date_part('epoch', ${t.firstResponseAt} - ${t.createdAt}) / 60)`;
const resolutionMinutes = (t: Timed) => sql`(date_part('epoch', ${t.resolvedAt} - ${t.createdAt}) / 60)`;

export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: integer('number').notNull().unique().generatedAlwaysAsIdentity(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    status: text('status', { enum: TICKET_STATUSES }).notNull().default('open'),
    priority: text('priority', { enum: TICKET_PRIORITIES }).notNull().default('normal'),
    requesterId: uuid('requester_id').notNull().references(() => users.id),
    assigneeId: uuid('assignee_id').references(() => users.id),
    /** At most one team; restricted agents see their teams' tickets only (src/authz/policies/ticket.ts). */
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    /** Bumped by every change; the ETag of the ticket. */
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    firstResponseAt: ts('first_response_at'),
    /** Who wrote the first response; set with firstResponseAt. */
    firstResponderId: uuid('first_responder_id').references(() => users.id),
    resolvedAt: ts('resolved_at'),
    /**
     * Whom the final resolution is credited to: the assignee when resolvedAt was set. Kept by
     * a trigger (migration 0009), so every writer of resolvedAt keeps it in step.
     */
    resolutionAssigneeId: uuid('resolution_assignee_id').references(() => users.id),
    closedAt: ts('closed_at'),
    firstResponseDueAt: ts('first_response_due_at'),
    resolutionDueAt: ts('resolution_due_at'),
    /** A breach of the target is in sla_breaches: the SLA check's indexes leave such tickets out. */
    firstResponseBreached: boolean('first_response_breached').notNull().default(false),
    resolutionBreached: boolean('resolution_breached').notNull().default(false),
    /** Staff's labels (src/tags): lower-case words, sorted, no repeats. Internal, like notes. */
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /**
     * What a search reads (migration 0021 keeps them by trigger): subject, description and
     * public messages; the staff document adds the internal notes.
     */
    publicSearch: tsvector('public_search').notNull().default(sql`''::tsvector`),
    staffSearch: tsvector('staff_search').notNull().default(sql`''::tsvector`),
  },
  (t) => [
    ...sortIndexes(t),
    check('tickets_status_check', isOneOf(t.status, TICKET_STATUSES)),
    check('tickets_priority_check', isOneOf(t.priority, TICKET_PRIORITIES)),
    // The queue is read newest first (number desc); each filter gets an index ending in number.
    index('tickets_status_number_idx').on(t.status, t.number),
    index('tickets_assignee_number_idx').on(t.assigneeId, t.number),
    index('tickets_requester_number_idx').on(t.requesterId, t.number),
    index('tickets_priority_number_idx').on(t.priority, t.number),
    index('tickets_team_number_idx').on(t.teamId, t.number),
    // Automatic assignment counts each agent's open tickets (capacity, least open).
    index('tickets_assignee_open_idx').on(t.assigneeId).where(sql`${t.status} not in ('resolved', 'closed')`),
    index('tickets_unassigned_number_idx').on(t.status, t.number).where(sql`${t.assigneeId} is null`),
    // The unassigned tab of one priority (migration 0026).
    index('tickets_unassigned_priority_number_idx').on(t.status, t.priority, t.number).where(sql`${t.assigneeId} is null`),
    index('tickets_public_search_idx').using('gin', t.publicSearch),
    index('tickets_staff_search_idx').using('gin', t.staffSearch),
    index('tickets_tags_idx').using('gin', t.tags),
    // Each report reads one range of one of these, index-only: created, open at the end of the
    // range, first responses and final resolutions by when they happened. The INCLUDE columns
    // that make them index-only are in migration 0009 (drizzle cannot declare them).
    index('tickets_created_idx').on(t.createdAt),
    index('tickets_backlog_idx').on(t.createdAt).where(sql`${t.status} not in ('resolved', 'closed')`),
    index('tickets_first_response_idx').on(t.firstResponseAt).where(sql`${t.firstResponseAt} is not null`),
    index('tickets_resolved_idx').on(t.resolvedAt).where(sql`${t.resolvedAt} is not null`),
    // Minutes in sorted order, that a percentile walks to its ranks (src/reports/percentiles.ts;
    // their INCLUDE columns are in migration 0023).
    index('tickets_first_response_minutes_idx').on(firstResponseMinutes(t)).where(sql`${t.firstResponseAt} is not null`),
    index('tickets_responder_minutes_idx').on(t.firstResponderId, firstResponseMinutes(t)).where(sql`${t.firstResponseAt} is not null`),
    index('tickets_resolution_minutes_idx').on(resolutionMinutes(t)).where(sql`${t.resolvedAt} is not null`),
    index('tickets_resolver_minutes_idx').on(t.resolutionAssigneeId, resolutionMinutes(t)).where(sql`${t.resolvedAt} is not null`),
    // The SLA check reads only misses not yet recorded, and no ticket waiting on the customer.
    index('tickets_first_response_due_idx')
      .on(t.firstResponseDueAt)
      .where(sql`${t.firstResponseAt} is null and ${t.resolvedAt} is null and ${t.closedAt} is null and not ${t.firstResponseBreached}`),
    index('tickets_resolution_due_idx')
      .on(t.resolutionDueAt)
      .where(
        sql`${t.resolvedAt} is null and ${t.closedAt} is null and not ${t.resolutionBreached} and ${t.status} <> 'waiting_on_customer'`,
      ),
  ],
);

/** Each sort's first page is a walk of its index (ticket-sort-keys.ts); `created` walks the number's own. */
function sortIndexes(t: SortColumns) {
  const keys = ticketSortKeys(t);
  return [
    index('tickets_updated_idx').on(...keys.updated),
    index('tickets_priority_rank_idx').on(...keys.priority),
    index('tickets_due_idx').on(...keys.due),
    index('tickets_attention_idx').on(...keys.attention),
  ];
}

export const ticketMessages = pgTable(
  'ticket_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order: messages written in the same millisecond still read back in the order they were posted. */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').notNull().references(() => users.id),
    body: text('body').notNull(),
    internal: boolean('internal').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('ticket_messages_ticket_seq_idx').on(t.ticketId, t.seq)],
);

/**
 * Append-only history. The id is global and increasing, so it doubles as the
 * Server-Sent Events id a client resumes from.
 */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id').notNull().references(() => tickets.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id),
    type: text('type').notNull(),
    /** True for events about internal notes: only `tickets.note` holders see them. */
    internal: boolean('internal').notNull().default(false),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('ticket_events_ticket_idx').on(t.ticketId, t.id),
    index('ticket_events_created_idx').on(t.createdAt),
    // Reports count these by time, index-only (migrations 0007, 0009, 0011).
    index('ticket_events_type_created_idx').on(t.type, t.createdAt),
    index('ticket_events_escalated_idx')
      .on(t.createdAt)
      .where(sql`${t.type} = 'ticket.escalated' or (${t.type} = 'ticket.status_changed' and ${t.data}->>'to' = 'escalated')`),
    index('ticket_events_reopened_idx')
      .on(t.createdAt)
      .where(
        sql`${t.type} = 'ticket.status_changed' and ${t.data}->>'from' in ('resolved', 'closed') and ${t.data}->>'to' not in ('resolved', 'closed')`,
      ),
    index('ticket_events_settled_idx')
      .on(t.createdAt)
      .where(
        sql`${t.type} = 'ticket.status_changed' and ${t.data}->>'from' not in ('resolved', 'closed') and ${t.data}->>'to' in ('resolved', 'closed')`,
      ),
  ],
);
