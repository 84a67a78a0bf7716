import { databaseBlobStore } from './attachments/database-blob-store.js';
import { s3BlobStore } from './attachments/s3-blob-store.js';
import type { AppContext } from './context.js';
import { EventDispatcher } from './events/dispatcher.js';
import { ticketThreads } from './mail/ticket-thread.js';
import { registerTicketNotifications } from './notifications/ticket-event-notifier.js';
import { registerAutomaticAssignment } from './assignment/assignment.service.js';
import { registerSatisfactionSurvey } from './satisfaction/satisfaction.service.js';
import { newTicketDueDates, registerSlaClock } from './sla/sla-tracking.js';
import type { TicketEventEnvelope } from './tickets/ticket-events.js';

/**
 * The composition root: the one place features are wired to each other, so none of them
 * imports the features that react to it. Everything that serves requests or runs the
 * scheduler (main.ts, the tests, the e2e server) gets its context from here.
 */
export function createAppContext({ config, database, now }: Pick<AppContext, 'config' | 'database' | 'now'>): AppContext {
  const ticketEvents = new EventDispatcher<TicketEventEnvelope>();
  // In this order: an event's own notifications come before those of a breach it reveals.
  const threads = ticketThreads(config);
  registerTicketNotifications(ticketEvents, { publicUrl: config.publicUrl, threads });
  registerSlaClock(ticketEvents, database);
  registerSatisfactionSurvey(ticketEvents, { publicUrl: config.publicUrl, secret: config.jwtSecret, threads });
  // After the notifications of ticket.created: the receipt goes out before the assignment is announced.
  registerAutomaticAssignment(ticketEvents, database);
  const attachmentStore = config.attachments.s3 ? s3BlobStore(config.attachments.s3) : databaseBlobStore(database);
  return { config, database, now, ticketEvents, newTicketDueDates: newTicketDueDates(database), attachmentStore, threads };
}
