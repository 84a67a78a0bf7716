import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import { visibleEvents, visibleMessages, visibleTickets } from '../authz/policies/ticket.js';
import { isStaff } from '../authz/roles.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import type { KnownFacts } from '../notifications/ticket-event-notifier.js';
import { syncSlaClock } from '../sla/sla-tracking.js';
import type { TicketEvent } from './ticket-events.js';
import { appendTicketEvent, listTicketEvents, type TicketEventRow } from './ticket-events.repository.js';
import { insertMessage, listMessages, type MessageView } from './ticket-messages.repository.js';
import { timestampsOnEntering } from './ticket-status.js';
import { lockTicket, updateTicketIf, type TicketChanges, type TicketRow } from './tickets.repository.js';
import { requireVisibleTicket } from './tickets.service.js';
import { cachedWriteSettings, type WriteSettings } from './write-settings.js';

export interface PostMessageInput {
  body: string;
  internal?: boolean | undefined;
}

/**
 * What a public message does to its ticket: the first staff reply is the first response;
 * a customer answering a ticket that waits on them hands it back to the desk.
 */
async function applyPublicMessage(tx: Db, actor: Actor, ticket: TicketRow, now: Date, settings: WriteSettings): Promise<void> {
  const changes: TicketChanges = {};
  if (isStaff(actor) && ticket.firstResponseAt === null) Object.assign(changes, { firstResponseAt: now, firstResponderId: actor.id });
  const reopens = !isStaff(actor) && ticket.status === 'waiting_on_customer';
  if (reopens) Object.assign(changes, { status: 'open', ...timestampsOnEntering('open', now) });
  // The row is locked, so the update always lands; the fallback only satisfies the type.
  const updated = (await updateTicketIf(tx, ticket.id, changes, now)) ?? ticket;
  const events: TicketEvent[] = reopens
    ? [{ type: 'ticket.status_changed', data: { from: ticket.status, to: 'open', reason: 'customer_reply' } }]
    : [];
  const known: KnownFacts = { ticket: updated, actorName: actor.name, publicUrl: settings.publicUrl };
  for (const event of events) await appendTicketEvent(tx, { ticketId: ticket.id, actorId: actor.id, at: now, event }, known);
  // A reopen ends a wait (moving the resolution due date); a first reply may come too late.
  await syncSlaClock(tx, updated, events, now, settings);
}

/**
 * Posts a public message or an internal note. A public message changes the ticket (its
 * version, updatedAt, maybe status and firstResponseAt); an internal note leaves the
 * ticket row alone, so not even a moved updatedAt tells a customer a note exists.
 */
export async function postMessage(ctx: AppContext, actor: Actor, ticketId: string, input: PostMessageInput): Promise<MessageView> {
  const internal = input.internal ?? false;
  const now = ctx.now();
  const settings = await cachedWriteSettings(ctx.database);
  return ctx.database.db.transaction(async (tx) => {
    // Locked: the status and first-response decisions below read the row, then write it.
    const ticket = await lockTicket(tx, ticketId, visibleTickets(actor));
    authorize(actor, internal ? 'ticket.note' : 'ticket.reply', ticket);
    const message = await insertMessage(tx, { ticketId, authorId: actor.id, body: input.body, internal, createdAt: now });
    await appendTicketEvent(
      tx,
      {
        ticketId,
        actorId: actor.id,
        at: now,
        event: { type: 'ticket.message', data: { messageId: message.id, internal, authorId: actor.id, authorRole: actor.role } },
      },
      { ticket, actorName: actor.name, messageBody: message.body, publicUrl: settings.publicUrl },
    );
    if (!internal) await applyPublicMessage(tx, actor, ticket, now, settings);
    return { ...message, authorName: actor.name, authorRole: actor.role };
  });
}

export async function listTicketMessages(ctx: AppContext, actor: Actor, ticketId: string): Promise<MessageView[]> {
  const { db } = ctx.database;
  await requireVisibleTicket(db, actor, ticketId);
  return listMessages(db, ticketId, visibleMessages(actor));
}

export async function listTicketHistory(ctx: AppContext, actor: Actor, ticketId: string): Promise<TicketEventRow[]> {
  const { db } = ctx.database;
  await requireVisibleTicket(db, actor, ticketId);
  return listTicketEvents(db, ticketId, visibleEvents(actor));
}
