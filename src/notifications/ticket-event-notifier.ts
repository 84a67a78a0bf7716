import { canSeeTicket } from '../authz/policies/ticket.js';
import { isStaff } from '../authz/roles.js';
import type { Db } from '../db/database.js';
import { enqueueMail, newMessageId } from '../mail/outbox.repository.js';
import type { TicketEvent } from '../tickets/ticket-events.js';
import { mayReachActor, plannedNotifications, type PlannedNotification } from './notification-rules.js';
import { renderNotification, type NotificationFacts } from './notification-templates.js';
import {
  findPublicMessageBody,
  findTicketFacts,
  findUserName,
  insertNotifications,
  loadRecipients,
  readPublicUrl,
  type NewNotification,
  type Recipient,
  type TicketFacts,
} from './notifications.repository.js';

/** A ticket event just written, with its id in the shared event sequence. */
export interface AppendedTicketEvent {
  id: number;
  ticketId: string;
  actorId: string | null;
  at: Date;
  event: TicketEvent;
}

/**
 * Mail clients thread a ticket's mails under this id: the receipt carries it as its
 * Message-ID, every later mail names it in In-Reply-To and References.
 */
export const ticketThreadId = (publicUrl: string, ticketId: string): string => newMessageId({ publicUrl }, `ticket-${ticketId}`);

interface Delivery {
  planned: PlannedNotification;
  recipients: Recipient[];
}

function reaches(recipient: Recipient, planned: PlannedNotification, appended: AppendedTicketEvent, ticket: TicketFacts) {
  const self = recipient.id === appended.actorId;
  const visible = canSeeTicket(recipient, ticket);
  return {
    inApp: visible && recipient.wantsInApp && (!self || mayReachActor(planned.kind, 'inApp')),
    email: visible && recipient.wantsEmail && (!self || mayReachActor(planned.kind, 'email')),
  };
}

/** The staff-only detail of an event, e.g. which rule escalated or which SLA target was missed. */
function detailOf(event: TicketEvent): string | undefined {
  if (event.type === 'ticket.escalated') return `rule "${event.data.ruleName}"`;
  if (event.type === 'ticket.sla_breached') return event.data.target === 'first_response' ? 'first response' : 'resolution';
  return undefined;
}

/**
 * What the writer already holds, so the notifier need not read it again inside the
 * transaction; whatever is left out is read there.
 */
export interface KnownFacts {
  /** The ticket as the event leaves it. */
  ticket?: TicketFacts;
  actorName?: string | null;
  /** The text of the public message the event records. */
  messageBody?: string;
  publicUrl?: () => Promise<string | undefined>;
}

async function actorNameOf(tx: Db, actorId: string | null, known: KnownFacts): Promise<string | null> {
  if (known.actorName !== undefined) return known.actorName;
  return actorId === null ? null : ((await findUserName(tx, actorId)) ?? null);
}

async function factsLoader(tx: Db, appended: AppendedTicketEvent, ticket: TicketFacts, known: KnownFacts) {
  const { event, actorId } = appended;
  const publicMessage = event.type === 'ticket.message' && !event.data.internal ? event.data.messageId : undefined;
  const [actorName, message, publicUrl] = [
    await actorNameOf(tx, actorId, known),
    publicMessage === undefined ? undefined : (known.messageBody ?? (await findPublicMessageBody(tx, publicMessage))),
    await (known.publicUrl ?? (() => readPublicUrl(tx)))(),
  ];
  return {
    publicUrl,
    factsFor: (recipient: Recipient): NotificationFacts => ({
      ticket,
      actorName,
      message,
      detail: isStaff(recipient) ? detailOf(event) : undefined,
      url: publicUrl === undefined ? undefined : `${publicUrl}/tickets/${ticket.id}`,
      recipient: { name: recipient.name, staff: isStaff(recipient) },
    }),
  };
}

/**
 * Derives the notifications of one ticket event, inside the transaction that wrote it:
 * in-app rows and queued mails commit (or roll back) with the change itself. Nobody is
 * told about their own action, nobody who may not see the ticket is told anything, and
 * an internal note produces nothing at all (see `plannedNotifications`).
 */
export async function notifyTicketEvent(tx: Db, appended: AppendedTicketEvent, known: KnownFacts = {}): Promise<void> {
  const ticket = known.ticket ?? (await findTicketFacts(tx, appended.ticketId));
  if (!ticket) return;
  const deliveries: Delivery[] = [];
  for (const planned of plannedNotifications(appended.event, ticket)) {
    const recipients = await loadRecipients(tx, planned.to, planned.kind);
    if (recipients.length > 0) deliveries.push({ planned, recipients });
  }
  if (deliveries.length === 0) return;

  const { publicUrl, factsFor } = await factsLoader(tx, appended, ticket, known);
  const rows: NewNotification[] = [];
  for (const { planned, recipients } of deliveries) {
    for (const recipient of recipients) {
      const reach = reaches(recipient, planned, appended, ticket);
      if (!reach.inApp && !reach.email) continue;
      const rendered = renderNotification(planned.kind, factsFor(recipient));
      if (reach.inApp) {
        rows.push({ userId: recipient.id, ticketId: ticket.id, eventId: appended.id, type: planned.kind, title: rendered.title, createdAt: appended.at });
      }
      if (reach.email) await queueMail(tx, planned, recipient, rendered.mail, { ticket, publicUrl, at: appended.at });
    }
  }
  await insertNotifications(tx, rows);
}

interface MailContext {
  ticket: TicketFacts;
  publicUrl: string | undefined;
  at: Date;
}

async function queueMail(
  tx: Db,
  planned: PlannedNotification,
  recipient: Recipient,
  mail: { subject: string; text: string; html: string },
  { ticket, publicUrl, at }: MailContext,
): Promise<void> {
  // Without a recorded address (no server has started on this database) ids still need a domain.
  const config = { publicUrl: publicUrl ?? 'http://localhost' };
  const thread = ticketThreadId(config.publicUrl, ticket.id);
  const headers: Record<string, string> =
    planned.kind === 'ticket_received' ? { 'Message-ID': thread } : { 'In-Reply-To': thread, References: thread };
  await enqueueMail(tx, { kind: planned.kind, to: recipient.email, ...mail, headers }, { config, now: () => at });
}
