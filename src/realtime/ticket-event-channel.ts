import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';

/** Woken (on commit) by every transaction that appends a ticket event; the payload is the event id. */
export const TICKET_EVENTS_CHANNEL = 'ticket_events';

/**
 * Woken by database triggers (migration 0005) whenever a session is revoked, a user's role
 * or active flag changes, or a role's permissions change: streams re-check their access.
 */
export const STREAM_ACCESS_CHANNEL = 'stream_access';

/**
 * Wakes every server's live stream when the transaction commits (NOTIFY is transactional).
 * Only a wake-up: the stream reads what is new from the table, its source of truth.
 */
export async function announceTicketEvent(tx: Db, eventId: number): Promise<void> {
  await tx.execute(sql`select pg_notify(${TICKET_EVENTS_CHANNEL}, ${String(eventId)})`);
}
