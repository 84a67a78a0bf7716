import type { Db } from '../db/database.js';
import type { TicketEvent } from '../tickets/ticket-events.js';
import { appendTicketEvent } from '../tickets/ticket-events.repository.js';
import { findTicket } from '../tickets/tickets.repository.js';
import { dueDates, pausesOf } from './sla-clock.js';
import {
  findCalendar,
  findPolicy,
  insertBreaches,
  lockOverdueTickets,
  setDueDates,
  statusHistory,
  type Breach,
} from './sla.repository.js';

/**
 * Keeps tickets' SLA due dates and breach records in step with their history. Everything
 * here runs inside the transaction of the change it follows.
 */

/** Creation, a priority change and the end of a wait on the customer move the due dates. */
const movesDueDates = (event: TicketEvent): boolean =>
  event.type === 'ticket.created' ||
  event.type === 'ticket.priority_changed' ||
  (event.type === 'ticket.status_changed' && event.data.from === 'waiting_on_customer');

/** Recomputes both due dates from the current policy and calendar, creation and the waits so far. */
async function recomputeDueDates(tx: Db, ticketId: string): Promise<void> {
  const ticket = await findTicket(tx, ticketId, undefined);
  if (!ticket) return;
  const policy = await findPolicy(tx, ticket.priority);
  const calendar = await findCalendar(tx);
  const due = policy
    ? dueDates(calendar, policy, ticket.createdAt, pausesOf(await statusHistory(tx, ticketId)))
    : { firstResponseDueAt: null, resolutionDueAt: null };
  await setDueDates(tx, ticketId, due);
}

async function writeBreachEvents(tx: Db, breaches: readonly Breach[], now: Date): Promise<void> {
  for (const breach of breaches) {
    await appendTicketEvent(tx, {
      ticketId: breach.ticketId,
      actorId: null,
      at: now,
      event: { type: 'ticket.sla_breached', data: { target: breach.target, dueAt: breach.dueAt.toISOString() } },
    });
  }
}

/**
 * Call after appending a ticket's events, in the same transaction, holding the ticket's
 * row lock (every ticket write does). Moves the due dates when the events call for it,
 * then records a target the change revealed as missed (a late first reply, a late
 * resolution, a priority raised past its new due time) right away rather than at the
 * next scheduled check.
 */
export async function syncSlaClock(tx: Db, ticketId: string, events: readonly TicketEvent[], now: Date): Promise<void> {
  if (events.some(movesDueDates)) await recomputeDueDates(tx, ticketId);
  await writeBreachEvents(tx, await insertBreaches(tx, [ticketId], now), now);
}

const BREACH_BATCH = 200;

/**
 * The scheduled check: records every target missed by `now` and not yet recorded, with
 * its `ticket.sla_breached` event, in batches. Returns how many breaches it recorded.
 */
export async function recordSlaBreaches(db: Db, now: Date): Promise<number> {
  let recorded = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const ids = await lockOverdueTickets(tx, now, BREACH_BATCH);
      const breaches = await insertBreaches(tx, ids, now);
      await writeBreachEvents(tx, breaches, now);
      return { locked: ids.length, breaches: breaches.length };
    });
    recorded += batch.breaches;
    // A short batch was the last one; a full one that recorded nothing would only repeat itself.
    if (batch.locked < BREACH_BATCH || batch.breaches === 0) return recorded;
  }
}
