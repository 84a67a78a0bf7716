import { cachedSetting, readCachedSetting } from '../db/cached-settings.js';
import type { Database, Db } from '../db/database.js';
import type { KnownFacts } from '../notifications/ticket-event-notifier.js';
import type { TicketEvent } from '../tickets/ticket-events.js';
import { appendTicketEvent } from '../tickets/ticket-events.repository.js';
import type { TicketPriority } from '../tickets/ticket-status.js';
import type { TicketRow } from '../tickets/tickets.repository.js';
import type { WriteSettings } from '../tickets/write-settings.js';
import type { BusinessCalendar } from './business-time.js';
import { dueDates, pausesOf, type DueDates, type Pause } from './sla-clock.js';
import {
  findCalendar,
  insertBreaches,
  listPolicies,
  lockOverdueTickets,
  setDueDates,
  statusHistory,
  type Breach,
  type SlaPolicy,
} from './sla.repository.js';

/**
 * Keeps tickets' SLA due dates and breach records in step with their history. Everything
 * here runs inside the transaction of the change it follows.
 */

/** What due dates are computed from. */
export interface SlaSettings {
  policies: readonly SlaPolicy[];
  calendar: BusinessCalendar | null;
}

export async function loadSlaSettings(db: Db): Promise<SlaSettings> {
  return { policies: await listPolicies(db), calendar: await findCalendar(db) };
}

const slaSettings = cachedSetting(loadSlaSettings);

/** The SLA settings from this process's copy. */
export const cachedSlaSettings = (database: Database): Promise<SlaSettings> => readCachedSetting(database, slaSettings);

/** Both due dates from the current policy and calendar, creation and the waits so far (none yet for a new ticket). */
export function dueDatesFor(settings: SlaSettings, priority: TicketPriority, createdAt: Date, pauses: readonly Pause[] = []): DueDates {
  const policy = settings.policies.find((candidate) => candidate.priority === priority);
  return policy ? dueDates(settings.calendar, policy, createdAt, pauses) : { firstResponseDueAt: null, resolutionDueAt: null };
}

/** A priority change and the end of a wait on the customer move the due dates (creation sets them with the row). */
const movesDueDates = (event: TicketEvent): boolean =>
  event.type === 'ticket.priority_changed' ||
  (event.type === 'ticket.status_changed' && event.data.from === 'waiting_on_customer');

/** Only a due time already past can be missed (see `missed` in sla.repository.ts): otherwise there is nothing to record. */
const hasPastDueDate = (ticket: DueDates, now: Date): boolean =>
  (ticket.firstResponseDueAt !== null && ticket.firstResponseDueAt < now) ||
  (ticket.resolutionDueAt !== null && ticket.resolutionDueAt < now);

async function writeBreachEvents(tx: Db, breaches: readonly Breach[], now: Date, known: KnownFacts): Promise<void> {
  for (const breach of breaches) {
    await appendTicketEvent(
      tx,
      {
        ticketId: breach.ticketId,
        actorId: null,
        at: now,
        event: { type: 'ticket.sla_breached', data: { target: breach.target, dueAt: breach.dueAt.toISOString() } },
      },
      known,
    );
  }
}

/**
 * Call after appending a ticket's events, in the same transaction, holding the ticket's
 * row lock (every ticket write does), with the row as the change left it. Moves the due
 * dates when the events call for it, then records a target the change revealed as missed
 * (a late first reply, a late resolution, a priority raised past its new due time) right
 * away rather than at the next scheduled check.
 */
export async function syncSlaClock(
  tx: Db,
  ticket: TicketRow,
  events: readonly TicketEvent[],
  now: Date,
  settings: WriteSettings,
): Promise<void> {
  let due: DueDates = ticket;
  if (events.some(movesDueDates)) {
    const pauses = pausesOf(await statusHistory(tx, ticket.id));
    due = dueDatesFor(await settings.sla(), ticket.priority, ticket.createdAt, pauses);
    await setDueDates(tx, ticket.id, due);
  }
  if (!hasPastDueDate(due, now)) return;
  const known: KnownFacts = { ticket, actorName: null, publicUrl: settings.publicUrl };
  await writeBreachEvents(tx, await insertBreaches(tx, [ticket.id], now), now, known);
}

const BREACH_BATCH = 200;

/**
 * The scheduled check: records every target missed by `now` and not yet recorded, with
 * its `ticket.sla_breached` event, in batches. Returns how many breaches it recorded.
 */
export async function recordSlaBreaches(db: Db, now: Date, settings: WriteSettings): Promise<number> {
  let recorded = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const ids = await lockOverdueTickets(tx, now, BREACH_BATCH);
      const breaches = await insertBreaches(tx, ids, now);
      await writeBreachEvents(tx, breaches, now, { actorName: null, publicUrl: settings.publicUrl });
      return { locked: ids.length, breaches: breaches.length };
    });
    recorded += batch.breaches;
    // Each locked ticket's miss is now marked recorded, so the next batch reads others; a short batch was the last.
    if (batch.locked < BREACH_BATCH) return recorded;
  }
}
