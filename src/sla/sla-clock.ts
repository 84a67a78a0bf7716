import type { TicketStatus } from '../tickets/ticket-status.js';
import { addBusinessMinutes, addBusinessMs, businessMsBetween, type BusinessCalendar } from './business-time.js';

/**
 * The SLA clock as pure functions: when a ticket's targets fall due. The database code
 * feeds them; tests drive them directly. How a ticket stands against its due dates is the
 * ticket's own (tickets/ticket-sla.ts).
 */

export interface SlaTargets {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** A stretch of waiting on the customer; `to` is null while the ticket still waits. */
export interface Pause {
  from: Date;
  to: Date | null;
}

export interface DueDates {
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
}

export interface StatusChange {
  at: Date;
  from: TicketStatus;
  to: TicketStatus;
}

/** The waits on the customer in a ticket's status history (oldest first). */
export function pausesOf(history: readonly StatusChange[]): Pause[] {
  const pauses: Pause[] = [];
  let waitingSince: Date | undefined;
  for (const change of history) {
    if (change.from === 'waiting_on_customer' && waitingSince) {
      pauses.push({ from: waitingSince, to: change.at });
      waitingSince = undefined;
    }
    if (change.to === 'waiting_on_customer') waitingSince = change.at;
  }
  if (waitingSince) pauses.push({ from: waitingSince, to: null });
  return pauses;
}

/**
 * Due dates counted in business time from creation. Each finished wait that began before
 * the resolution target pushes it out by the business time that was still left when the
 * wait began; a wait that began after the target was missed changes nothing, and a wait
 * still running holds the date until it ends (the ticket shows `paused` meanwhile).
 */
export function dueDates(
  calendar: BusinessCalendar | null,
  targets: SlaTargets,
  createdAt: Date,
  pauses: readonly Pause[],
): DueDates {
  let resolutionDueAt = addBusinessMinutes(calendar, createdAt, targets.resolutionMinutes);
  for (const pause of pauses) {
    if (!resolutionDueAt || !pause.to || pause.from >= resolutionDueAt) break;
    resolutionDueAt = addBusinessMs(calendar, pause.to, businessMsBetween(calendar, pause.from, resolutionDueAt));
  }
  return { firstResponseDueAt: addBusinessMinutes(calendar, createdAt, targets.firstResponseMinutes), resolutionDueAt };
}
