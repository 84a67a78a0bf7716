import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea, isOneOf } from '../db/types.js';
import { mailboxes } from '../mailboxes/mailboxes.schema.js';
import { ticketMessages, tickets } from '../tickets/tickets.schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * received: stored, not yet placed (a crash leaves it here; the sweep places it);
 * placed: on a ticket; ignored: an auto-reply, bounce or our own mail; held: over the
 * sender's hourly cap, waiting for a manager; failed: could not be parsed or placed;
 * discarded: a manager dropped it from the failed list.
 */
export const INBOUND_STATUSES = ['received', 'placed', 'ignored', 'held', 'failed', 'discarded'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

/** Every mail taken in, raw, committed before its mailbox is touched: none is lost, none taken twice. */
export const inboundMails = pgTable(
  'inbound_mails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The mailbox's id, `env` for IMAP_URL's: the scope of its UIDs. */
    mailboxKey: text('mailbox_key').notNull(),
    mailboxId: uuid('mailbox_id').references(() => mailboxes.id, { onDelete: 'set null' }),
    uidValidity: bigint('uid_validity', { mode: 'number' }),
    uid: bigint('uid', { mode: 'number' }),
    messageId: text('message_id'),
    /** The RFC 822 bytes as received; null only for a mail refused for its size (never downloaded). */
    raw: bytea('raw'),
    size: integer('size').notNull(),
    fromAddress: text('from_address'),
    subject: text('subject'),
    status: text('status', { enum: INBOUND_STATUSES }).notNull().default('received'),
    /** Why it was ignored, held or failed: a stable code, e.g. `auto_reply`, `too_large`. */
    reason: text('reason'),
    error: text('error'),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    ticketMessageId: uuid('ticket_message_id').references(() => ticketMessages.id, { onDelete: 'set null' }),
    /** It opened a ticket: what the per-sender hourly cap counts. */
    openedTicket: boolean('opened_ticket').notNull().default(false),
    receivedAt: ts('received_at').notNull().defaultNow(),
    processedAt: ts('processed_at'),
  },
  (t) => [
    check('inbound_mails_status_check', isOneOf(t.status, INBOUND_STATUSES)),
    uniqueIndex('inbound_mails_uid_idx').on(t.mailboxKey, t.uidValidity, t.uid).where(sql`${t.uid} is not null`),
    uniqueIndex('inbound_mails_message_id_idx').on(t.messageId).where(sql`${t.messageId} is not null`),
    index('inbound_mails_status_received_idx').on(t.status, t.receivedAt),
    index('inbound_mails_sender_opened_idx').on(t.fromAddress, t.receivedAt).where(sql`${t.openedTicket}`),
  ],
);
