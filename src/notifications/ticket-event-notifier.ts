import { canSeeTicket } from '../authz/policies/ticket.js';
import { isStaff } from '../authz/roles.js';
import type { Db } from '../db/database.js';
import { outboxRow, type QueuedMail } from '../mail/outbox.repository.js';
import type { TicketThreads } from '../mail/ticket-thread.js';
import type { TicketEvent, TicketEventDispatcher, TicketEventEnvelope, TicketEventType } from '../tickets/ticket-events.js';
import { recordNotifications } from './notification-batch.js';
import { mayReachActor, plannedNotifications, type PlannedNotification } from './notification-rules.js';
import { renderNotification, type NotificationFacts } from './notification-templates.js';
import { loadRecipients, type NewNotification, type Recipient } from './notifications.repository.js';

/** The events someone may be told about (see `plannedNotifications`); internal notes and priority changes tell nobody. */
const NOTIFYING_EVENTS = [
  'ticket.created',
  'ticket.message',
  'ticket.status_changed',
  'ticket.assignee_changed',
  'ticket.escalated',
  'ticket.sla_breached',
] as const satisfies readonly TicketEventType[];

interface Delivery {
  planned: PlannedNotification;
  recipients: Recipient[];
}

/**
 * A mail goes only to an address its owner proved. For an unverified account it is dropped
 * here, not held: anyone can register someone else's address and open tickets whose subjects
 * carry a phishing link, and mails held until the owner verifies would reach them all at
 * once. The in-app notification is still recorded, so the user misses nothing in the portal.
 */
function reaches(recipient: Recipient, planned: PlannedNotification, { actor, ticket }: TicketEventEnvelope) {
  const self = recipient.id === actor?.id;
  const visible = canSeeTicket(recipient, ticket);
  return {
    inApp: visible && recipient.wantsInApp && (!self || mayReachActor(planned.kind, 'inApp')),
    email: visible && recipient.emailVerified && recipient.wantsEmail && (!self || mayReachActor(planned.kind, 'email')),
  };
}

/** The staff-only detail of an event, e.g. which rule escalated or which SLA target was missed. */
function detailOf(event: TicketEvent): string | undefined {
  if (event.type === 'ticket.escalated') return `rule "${event.data.ruleName}"`;
  if (event.type === 'ticket.sla_breached') return event.data.target === 'first_response' ? 'first response' : 'resolution';
  return undefined;
}

const formatSize = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} bytes`;

/**
 * The files of a public message or a new ticket, each linked to its place in the ticket page
 * (which downloads it for a signed-in reader): a mail never carries a file's bytes, and an
 * internal note (a `ticket.note` event, which notifies nobody) never gets here.
 */
function filesOf(event: TicketEvent, ticketUrl: string): NotificationFacts['files'] {
  const attachments = event.type === 'ticket.message' || event.type === 'ticket.created' ? event.data.attachments : undefined;
  return attachments?.map((file) => ({ name: file.name, size: formatSize(file.size), url: `${ticketUrl}#attachment-${file.id}` }));
}

function factsFor(recipient: Recipient, { event, ticket, actor }: TicketEventEnvelope, publicUrl: string): NotificationFacts {
  return {
    ticket,
    actorName: actor?.name ?? null,
    // Only a public message carries its text: an internal note cannot be quoted.
    message: event.type === 'ticket.message' ? event.body : undefined,
    detail: isStaff(recipient) ? detailOf(event) : undefined,
    url: `${publicUrl}/tickets/${ticket.id}`,
    files: filesOf(event, `${publicUrl}/tickets/${ticket.id}`),
    recipient: { name: recipient.name, staff: isStaff(recipient) },
  };
}

/**
 * Derives the notifications of one ticket event, inside the transaction that wrote it:
 * in-app rows and queued mails commit (or roll back) with the change itself (a batch of
 * changes shows its in-app rows only when it ends, grouped: notification-batch.ts). Nobody
 * is told about their own action, nobody who may not see the ticket is told anything.
 */
async function notify(tx: Db, envelope: TicketEventEnvelope, { publicUrl, threads }: NotifierOptions): Promise<void> {
  const deliveries: Delivery[] = [];
  for (const planned of plannedNotifications(envelope.event, envelope.ticket)) {
    const recipients = await loadRecipients(tx, planned.to, planned.kind);
    if (recipients.length > 0) deliveries.push({ planned, recipients });
  }
  const rows: NewNotification[] = [];
  const mails: QueuedMail[] = [];
  for (const { planned, recipients } of deliveries) {
    for (const recipient of recipients) {
      const reach = reaches(recipient, planned, envelope);
      if (!reach.inApp && !reach.email) continue;
      const rendered = renderNotification(planned.kind, factsFor(recipient, envelope, publicUrl));
      if (reach.inApp) {
        const { id: eventId, ticket, at } = envelope;
        rows.push({ userId: recipient.id, ticketId: ticket.id, eventId, type: planned.kind, title: rendered.title, createdAt: at });
      }
      if (reach.email) mails.push(mailRow(planned, recipient, rendered.mail, envelope, { publicUrl, threads }));
    }
  }
  await recordNotifications(tx, rows, mails);
}

function mailRow(
  planned: PlannedNotification,
  recipient: Recipient,
  mail: { subject: string; text: string; html: string },
  { ticket, at }: TicketEventEnvelope,
  { publicUrl, threads }: NotifierOptions,
): QueuedMail {
  const headers = threads.headers(ticket.id, planned.kind === 'ticket_received');
  return outboxRow({ kind: planned.kind, to: recipient.email, ...mail, headers }, { config: { publicUrl }, now: () => at });
}

export interface NotifierOptions {
  /** Where mails link to. */
  publicUrl: string;
  /** Message-IDs and reply addresses of each ticket's mail thread. */
  threads: TicketThreads;
}

/** In-app notifications and their mails, for every ticket event someone is told about. */
export function registerTicketNotifications(events: TicketEventDispatcher, options: NotifierOptions): void {
  for (const type of NOTIFYING_EVENTS) events.on(type, (tx, envelope) => notify(tx, envelope, options));
}
