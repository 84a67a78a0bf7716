import { cachedSetting, readCachedSetting, readCachedSettingIn } from '../db/cached-settings.js';
import type { Database, Db } from '../db/database.js';
import { publishTicketEvent } from '../tickets/publish-ticket-event.js';
import type { NewTicketDueDates } from '../tickets/ticket-due-dates.js';
import type { TicketEventDispatcher, TicketEventEnvelope } from '../tickets/ticket-events.js';
import type { TicketPriority } from '../tickets/ticket-status.js';
import { findTicketsByIds, type TicketRow } from '../tickets/tickets.repository.js';
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
 * Keeps tickets' SLA due dates and breach records in step with their history: handlers of
 * ticket events, run inside the transaction of the change, and the scheduled check.
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

/** The same inside a transaction (see `readCachedSettingIn`). */
export const slaSettingsIn = (database: Database, tx: Db): Promise<SlaSettings> => readCachedSettingIn(database, tx, slaSettings);

/** Both due dates from the current policy and calendar, creation and the waits so far (none yet for a new ticket). */
export function dueDatesFor(settings: SlaSettings, priority: TicketPriority, createdAt: Date, pauses: readonly Pause[] = []): DueDates {
  const policy = settings.policies.find((candidate) => candidate.priority === priority);
  return policy ? dueDates(settings.calendar, policy, createdAt, pauses) : { firstResponseDueAt: null, resolutionDueAt: null };
}

/** What tickets asks of the SLA policies when it opens a ticket (wired in src/compose.ts). */
export const newTicketDueDates =
  (database: Database): NewTicketDueDates =>
  async (priority, createdAt) =>
    dueDatesFor(await cachedSlaSettings(database), priority, createdAt);

/** Only a due time already past can be missed (see `missed` in sla.repository.ts): otherwise there is nothing to record. */
const hasPastDueDate = (ticket: DueDates, now: Date): boolean =>
  (ticket.firstResponseDueAt !== null && ticket.firstResponseDueAt < now) ||
  (ticket.resolutionDueAt !== null && ticket.resolutionDueAt < now);

async function publishBreaches(tx: Db, events: TicketEventDispatcher, breaches: readonly Breach[], tickets: readonly TicketRow[], now: Date) {
  for (const breach of breaches) {
    const ticket = tickets.find((candidate) => candidate.id === breach.ticketId);
    if (!ticket) throw new Error('a breach of a ticket that was not read');
    const event = { type: 'ticket.sla_breached', data: { target: breach.target, dueAt: breach.dueAt.toISOString() } } as const;
    await publishTicketEvent(tx, events, { ticket, actor: null, at: now, event });
  }
}

/**
 * The SLA clock's part in every ticket change, in its transaction, holding the ticket's
 * row lock (every ticket write does), with the row as the change left it: moves the due
 * dates when the change calls for it, then records a target the change revealed as missed
 * (a late first reply, a late resolution, a priority raised past its new due time) right
 * away rather than at the next scheduled check.
 */
export function registerSlaClock(events: TicketEventDispatcher, database: Database): void {
  async function recordRevealedBreaches(tx: Db, ticket: TicketRow, due: DueDates, at: Date): Promise<void> {
    if (!hasPastDueDate(due, at)) return;
    await publishBreaches(tx, events, await insertBreaches(tx, [ticket.id], at), [{ ...ticket, ...due }], at);
  }

  /** A priority change and the end of a wait on the customer move the due dates (creation sets them with the row). */
  async function moveDueDates(tx: Db, { ticket, at }: TicketEventEnvelope): Promise<void> {
    const settings = await readCachedSettingIn(database, tx, slaSettings);
    const due = dueDatesFor(settings, ticket.priority, ticket.createdAt, pausesOf(await statusHistory(tx, ticket.id)));
    await setDueDates(tx, ticket.id, due);
    await recordRevealedBreaches(tx, ticket, due, at);
  }

  const checkDueDates = (tx: Db, { ticket, at }: TicketEventEnvelope) => recordRevealedBreaches(tx, ticket, ticket, at);

  events.on('ticket.priority_changed', moveDueDates);
  events.on('ticket.status_changed', (tx, envelope) =>
    envelope.event.data.from === 'waiting_on_customer' ? moveDueDates(tx, envelope) : checkDueDates(tx, envelope),
  );
  events.on('ticket.assignee_changed', checkDueDates);
  // A reply stops a clock only as the ticket's first response. A customer's reply that ends
  // a wait is followed by its own status change, which moves the due dates before checking.
  events.on('ticket.message', async (tx, envelope) => {
    if (envelope.ticket.firstResponseAt?.getTime() === envelope.at.getTime()) await checkDueDates(tx, envelope);
  });
}

const BREACH_BATCH = 200;

/**
 * The scheduled check: records every target missed by `now` and not yet recorded, with
 * its `ticket.sla_breached` event, in batches. Returns how many breaches it recorded.
 */
export async function recordSlaBreaches(db: Db, events: TicketEventDispatcher, now: Date): Promise<number> {
  let recorded = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const ids = await lockOverdueTickets(tx, now, BREACH_BATCH);
      const breaches = await insertBreaches(tx, ids, now);
      if (breaches.length > 0) {
        const tickets = await findTicketsByIds(tx, [...new Set(breaches.map((breach) => breach.ticketId))]);
        await publishBreaches(tx, events, breaches, tickets, now);
      }
      return { locked: ids.length, breaches: breaches.length };
    });
    recorded += batch.breaches;
    // Each locked ticket's miss is now marked recorded, so the next batch reads others; a short batch was the last.
    if (batch.locked < BREACH_BATCH) return recorded;
  }
}
