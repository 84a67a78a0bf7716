import { Type, type Static } from '@sinclair/typebox';
import type { TicketStatus } from './ticket-status.js';

/**
 * How a ticket stands against the due dates the SLA clock gave it, read from the ticket's
 * own fields, as a pure function for the ticket and the queue; and its response schema.
 */

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

const SlaStateSchema = Type.Union(
  [Type.Literal('ok'), Type.Literal('at_risk'), Type.Literal('breached'), Type.Literal('met'), Type.Literal('paused')],
  { description: 'null: no target (no policy, or the ticket was finished before its first-response target without a reply)' },
);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// A state added to the domain but not to the schema fails to compile.
export const slaSchemaMatchesDomain: Same<Static<typeof SlaStateSchema>, SlaState> = true;

/** How a ticket stands against its targets; `paused` while it waits on the customer. */
export const SlaSchema = Type.Object(
  { firstResponse: Type.Union([SlaStateSchema, Type.Null()]), resolution: Type.Union([SlaStateSchema, Type.Null()]) },
  { additionalProperties: false },
);
