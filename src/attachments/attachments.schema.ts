import { sql } from 'drizzle-orm';
import { bigint, boolean, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../db/types.js';
import { ticketMessages, tickets } from '../tickets/tickets.schema.js';
import { users } from '../users/users.schema.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One stored file content per SHA-256: the same screenshot uploaded twice is kept once.
 * `storage_key` names its bytes in the blob store (database chunks or an S3 object).
 */
export const attachmentBlobs = pgTable('attachment_blobs', {
  sha256: text('sha256').primaryKey(),
  storageKey: text('storage_key').notNull().unique(),
  size: bigint('size', { mode: 'number' }).notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** The default blob store: a file's bytes in pieces of at most 256 KiB, so no query holds a whole file. */
export const attachmentChunks = pgTable(
  'attachment_chunks',
  {
    storageKey: text('storage_key').notNull(),
    offset: bigint('offset', { mode: 'number' }).notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.storageKey, t.offset] })],
);

/**
 * Bytes in the blob store that no blob row owns yet (an upload in progress) or any more (a
 * duplicate, a failed upload, a blob cleaned up). The cleanup deletes the bytes of every
 * row past `expires_at`, so a crash between writing bytes and recording them leaves nothing behind.
 */
export const attachmentLooseBytes = pgTable(
  'attachment_loose_bytes',
  {
    storageKey: text('storage_key').primaryKey(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('attachment_loose_bytes_expires_idx').on(t.expiresAt)],
);

/** An uploaded file: unattached (ticket_id null) until a ticket or message takes it, removed after 24 h if none does. */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    uploaderId: uuid('uploader_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The type sniffed from the bytes when known, else the uploaded one (served only as a download). */
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => attachmentBlobs.sha256),
    /** The bytes really are a PNG, JPEG, GIF or WebP image: the only files served inline. */
    inlineImage: boolean('inline_image').notNull().default(false),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    /** Null on a ticket's own attachments (given with its description). */
    messageId: uuid('message_id').references(() => ticketMessages.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    // The hourly upload quota counts a user's recent uploads.
    index('attachments_uploader_created_idx').on(t.uploaderId, t.createdAt),
    index('attachments_ticket_idx').on(t.ticketId),
    index('attachments_message_idx').on(t.messageId),
    index('attachments_sha256_idx').on(t.sha256),
    // The cleanup reads only uploads never attached.
    index('attachments_unattached_idx').on(t.createdAt).where(sql`${t.ticketId} is null`),
  ],
);
