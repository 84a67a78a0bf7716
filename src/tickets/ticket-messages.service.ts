import { attachToTicket } from '../attachments/attachments.service.js';
import { attachmentData } from '../attachments/attachments.presenter.js';
import type { AttachmentSummary } from '../attachments/attachments.repository.js';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import { authorizeTicketPatch, visibleEvents, visibleMessages, visibleTickets } from '../authz/policies/ticket.js';
import { isStaff } from '../authz/roles.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { dispatchRecorded, publishTicketEvent } from './publish-ticket-event.js';
import { ticketChanged, unknownAfterMessage } from './ticket-errors.js';
import type { TicketEvent } from './ticket-events.js';
import { listTicketEvents, ticketEventRow, type TicketEventRow } from './ticket-events.repository.js';
import { hasMissedMessages, insertMessage, listMessages, type MessageRow, type MessageView } from './ticket-messages.repository.js';
import { assertTransition, timestampsOnEntering, type TicketStatus } from './ticket-status.js';
import { lockTicket, updateLockedTicketRecording, type TicketChanges, type TicketRow } from './tickets.repository.js';
import { applyLockedChange, requireVisibleTicket, type AlsoInTransaction } from './tickets.service.js';

export interface PostMessageInput {
  body: string;
  internal?: boolean | undefined;
  attachmentIds?: readonly string[] | undefined;
  /** "Send and set status": moved to in the same transaction, checked as a PATCH would be. */
  status?: TicketStatus | undefined;
  /**
   * The newest message the composer had seen (null: none). Set, a newer message by someone
   * else that the caller may see refuses the post, so a reply is never sent blind.
   */
  afterMessageId?: string | null | undefined;
}

/**
 * What a public message does to its ticket, and the events that tell it: the first staff
 * reply is the first response; a customer answering a ticket that waits on them hands it
 * back to the desk. The ticket is changed before the events are published, so their
 * handlers see it as the message left it (the SLA clock reads the first response and
 * the reopen from it).
 */
async function applyPublicMessage(
  tx: Db,
  ctx: AppContext,
  actor: Actor,
  ticket: TicketRow,
  message: MessageRow,
  attachments: readonly AttachmentSummary[],
): Promise<TicketRow> {
  const now = message.createdAt;
  const changes: TicketChanges = {};
  if (isStaff(actor) && ticket.firstResponseAt === null) Object.assign(changes, { firstResponseAt: now, firstResponderId: actor.id });
  const reopens = !isStaff(actor) && ticket.status === 'waiting_on_customer';
  if (reopens) Object.assign(changes, { status: 'open', ...timestampsOnEntering('open', now) });
  const posted: TicketEvent = {
    type: 'ticket.message',
    data: { messageId: message.id, internal: false, authorId: actor.id, authorRole: actor.role, ...attachmentData(attachments) },
    body: message.body,
  };
  // The row is locked, so the update always lands; the message's entry is written by the same statement.
  const entry = ticketEventRow({ ticketId: ticket.id, actorId: actor.id, at: now, event: posted });
  const { ticket: updated, eventId } = await updateLockedTicketRecording(tx, ticket.id, changes, now, entry);
  await dispatchRecorded(tx, ctx.ticketEvents, eventId, { ticket: updated, actor, at: now, event: posted });
  if (reopens) {
    const event: TicketEvent = { type: 'ticket.status_changed', data: { from: ticket.status, to: 'open', reason: 'customer_reply' } };
    await publishTicketEvent(tx, ctx.ticketEvents, { ticket: updated, actor, at: now, event });
  }
  return updated;
}

/**
 * Posts a public message or an internal note. A public message changes the ticket (its
 * version, updatedAt, maybe status and firstResponseAt); an internal note leaves the
 * ticket row alone, so not even a moved updatedAt tells a customer a note exists.
 */
export async function postMessage(
  ctx: AppContext,
  actor: Actor,
  ticketId: string,
  input: PostMessageInput,
  options: AlsoInTransaction<MessageView> = {},
): Promise<MessageView> {
  const internal = input.internal ?? false;
  const now = ctx.now();
  return ctx.database.db.transaction(async (tx) => {
    // Locked: the status and first-response decisions below read the row, then write it.
    const ticket = await lockTicket(tx, ticketId, visibleTickets(actor));
    authorize(actor, internal ? 'ticket.note' : 'ticket.reply', ticket);
    // Decided before anything is written, so a refused status sends no message either.
    const { status } = input;
    if (status !== undefined && status !== ticket.status) {
      authorizeTicketPatch(actor, ticket, { status });
      assertTransition(ticket.status, status);
    }
    // Checked under the ticket's lock, which every message takes: none can slip in after it.
    if (input.afterMessageId !== undefined) {
      const missed = await hasMissedMessages(tx, ticketId, input.afterMessageId, actor.id, visibleMessages(actor));
      if (missed === undefined) throw unknownAfterMessage();
      if (missed) throw ticketChanged();
    }
    const message = await insertMessage(tx, { ticketId, authorId: actor.id, body: input.body, internal, createdAt: now });
    const attachments = await attachToTicket(ctx, tx, actor, { ids: input.attachmentIds, ticketId, messageId: message.id });
    let current = ticket;
    if (internal) {
      const note: TicketEvent = {
        type: 'ticket.note',
        data: { messageId: message.id, internal: true, authorId: actor.id, authorRole: actor.role, ...attachmentData(attachments) },
      };
      await publishTicketEvent(tx, ctx.ticketEvents, { ticket, actor, at: now, event: note });
    } else {
      current = await applyPublicMessage(tx, ctx, actor, ticket, message, attachments);
    }
    // A customer's reply may have reopened the ticket already; only a move still to make is made.
    if (status !== undefined && status !== current.status) {
      await applyLockedChange(tx, current, { status }, { events: ctx.ticketEvents, actor, now });
    }
    const result = { ...message, authorName: actor.name, authorRole: actor.role, attachments };
    await options.within?.(tx, result);
    return result;
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
