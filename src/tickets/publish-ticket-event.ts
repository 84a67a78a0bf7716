import type { Db } from '../db/database.js';
import type { EventActor, TicketEvent, TicketEventDispatcher } from './ticket-events.js';
import { appendTicketEvent } from './ticket-events.repository.js';
import type { TicketRow } from './tickets.repository.js';

export interface TicketChange {
  /** The ticket as the change left it. */
  ticket: TicketRow;
  /** Null for the system (escalation rules, SLA checks). */
  actor: EventActor | null;
  at: Date;
  event: TicketEvent;
}

/**
 * Records an event in the ticket's history and hands it to its handlers, all in `tx`, the
 * transaction of the change: the change, its history and what the handlers write
 * (notifications, mails, due dates, breaches) commit together or not at all.
 */
export async function publishTicketEvent(tx: Db, events: TicketEventDispatcher, change: TicketChange): Promise<number> {
  const { ticket, actor, at, event } = change;
  const id = await appendTicketEvent(tx, { ticketId: ticket.id, actorId: actor?.id ?? null, at, event });
  await dispatchRecorded(tx, events, id, change);
  return id;
}

/**
 * Hands an event to its handlers that the change's own statement already recorded (as
 * `id`): the same as `publishTicketEvent`, one round trip less.
 */
export async function dispatchRecorded(tx: Db, events: TicketEventDispatcher, id: number, change: TicketChange): Promise<void> {
  const { ticket, actor, at, event } = change;
  await events.dispatch(tx, { id, event, ticket, actor, at });
}
