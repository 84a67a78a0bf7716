import { boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** IMAP mailboxes managers configured; `IMAP_URL`'s mailbox lives in the config instead. */
export const mailboxes = pgTable('mailboxes', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The address mail is sent to, e.g. support@example.com; reply addresses are made from it. */
  address: text('address').notNull(),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  tls: boolean('tls').notNull(),
  username: text('username').notNull(),
  /** AES-256-GCM under a key derived from the desk's secret (src/mailboxes/mailbox-secrets.ts); never answered. */
  passwordEncrypted: text('password_encrypted').notNull(),
  folder: text('folder').notNull().default('INBOX'),
  /** SHA-256 of the secret a provider pushing mail to POST /api/inbound/email sends. */
  pushSecretHash: text('push_secret_hash').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Which process polls a mailbox now. A process holds the lease while connected and renews it;
 * another takes over once it expires. The UID dedupe keeps even an overlap exactly-once.
 */
export const mailboxLeases = pgTable('mailbox_leases', {
  mailboxKey: text('mailbox_key').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: ts('expires_at').notNull(),
});
