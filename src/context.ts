import type { BlobStore } from './attachments/blob-store.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { TicketThreads } from './mail/ticket-thread.js';
import type { NewTicketDueDates } from './tickets/ticket-due-dates.js';
import type { TicketEventDispatcher } from './tickets/ticket-events.js';

/**
 * What every capability is built from: settings, storage and the clock (tests move it),
 * and what one feature asks of another, wired once in src/compose.ts.
 */
export interface AppContext {
  config: Config;
  database: Database;
  now: () => Date;
  /** Where services publish ticket events; notifications and the SLA clock handle them. */
  ticketEvents: TicketEventDispatcher;
  /** The SLA policies' due dates for a new ticket. */
  newTicketDueDates: NewTicketDueDates;
  /** Where attachments' bytes live: the database, or an S3-compatible store when configured. */
  attachmentStore: BlobStore;
  /** Each ticket's mail thread: the Message-IDs and reply address of its mails, and finding it again from a reply. */
  threads: TicketThreads;
}
