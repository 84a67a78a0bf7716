import type { TicketStatus } from '../tickets/ticket-status.js';
import { addBusinessMinutes, addBusinessMs, businessMsBetween, type BusinessCalendar } from './business-time.js';

/**
 * The SLA clocks as pure functions: when a ticket's targets fall due, and how its SLA
 * stands at a given moment. The database code feeds them; tests drive them directly.
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

export const SLA_STATES = ['ok', 'at_risk', 'breached', 'met', 'paused'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export interface TicketSla {
  firstResponse: SlaState | null;
  resolution: SlaState | null;
}

/** The ticket fields an SLA state is read from. */
export interface SlaFacts {
  status: TicketStatus;
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
}

/** A running clock is at risk once less than this share of its time is left. */
export const AT_RISK_SHARE = 0.25;

function running(start: Date, due: Date, now: Date): SlaState {
  const left = due.getTime() - now.getTime();
  if (left < 0) return 'breached';
  return left <= (due.getTime() - start.getTime()) * AT_RISK_SHARE ? 'at_risk' : 'ok';
}

const settled = (doneAt: Date, due: Date): SlaState => (doneAt <= due ? 'met' : 'breached');

/** When the ticket stopped being worked: resolved, or closed without a resolution. */
const stoppedAt = (ticket: SlaFacts): Date | null =>
  ticket.status === 'resolved' || ticket.status === 'closed' ? (ticket.resolvedAt ?? ticket.closedAt) : null;

function firstResponseState(ticket: SlaFacts, now: Date): SlaState | null {
  const due = ticket.firstResponseDueAt;
  if (!due) return null;
  if (ticket.firstResponseAt) return settled(ticket.firstResponseAt, due);
  const stopped = stoppedAt(ticket);
  // Finished without any staff reply: missed if that happened after the due time, else moot.
  if (stopped) return stopped > due ? 'breached' : null;
  return running(ticket.createdAt, due, now);
}

function resolutionState(ticket: SlaFacts, now: Date): SlaState | null {
  const due = ticket.resolutionDueAt;
  if (!due) return null;
  const stopped = stoppedAt(ticket);
  if (stopped) return settled(stopped, due);
  if (ticket.status === 'waiting_on_customer') return 'paused';
  return running(ticket.createdAt, due, now);
}

/** How the ticket's targets stand at `now`, for the ticket and the queue. */
export const ticketSla = (ticket: SlaFacts, now: Date): TicketSla => ({
  firstResponse: firstResponseState(ticket, now),
  resolution: resolutionState(ticket, now),
});
