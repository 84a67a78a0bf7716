import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { users } from '../users/users.schema.js';
import { isInternalEvent, storedType, type TicketEvent } from './ticket-events.js';
import { ticketEvents } from './tickets.schema.js';

export interface AppendTicketEvent {
  ticketId: string;
  /** Null for the system (escalation rules, SLA checks). */
  actorId: string | null;
  at: Date;
  event: TicketEvent;
}

export type TicketEventInsert = typeof ticketEvents.$inferInsert;

/** An entry of a ticket's history as its row. */
export const ticketEventRow = ({ ticketId, actorId, at, event }: AppendTicketEvent): TicketEventInsert => ({
  ticketId,
  actorId,
  type: storedType(event),
  data: event.data,
  internal: isInternalEvent(event),
  createdAt: at,
});

/**
 * Writes one entry of a ticket's history; returns its id. Services call it through
 * `publishTicketEvent`, which also hands the event to its handlers.
 */
export async function appendTicketEvent(tx: Db, entry: AppendTicketEvent): Promise<number> {
  // The insert's trigger (migration 0008) NOTIFYs on commit, waking every server's live stream.
  const [row] = await tx.insert(ticketEvents).values(ticketEventRow(entry)).returning({ id: ticketEvents.id });
  if (!row) throw new Error('ticket event insert returned nothing');
  return row.id;
}

export interface TicketEventRow {
  id: number;
  ticketId: string;
  type: string;
  internal: boolean;
  data: Record<string, unknown>;
  createdAt: Date;
  actorId: string | null;
  actorName: string | null;
}

/** A ticket's history, oldest first, narrowed by the caller's visibility filter. */
export async function listTicketEvents(db: Db, ticketId: string, visibility: SQL | undefined): Promise<TicketEventRow[]> {
  return db
    .select({
      id: ticketEvents.id,
      ticketId: ticketEvents.ticketId,
      type: ticketEvents.type,
      internal: ticketEvents.internal,
      data: ticketEvents.data,
      createdAt: ticketEvents.createdAt,
      actorId: ticketEvents.actorId,
      actorName: users.name,
    })
    .from(ticketEvents)
    .leftJoin(users, eq(users.id, ticketEvents.actorId))
    .where(and(eq(ticketEvents.ticketId, ticketId), visibility))
    .orderBy(asc(ticketEvents.id));
}
