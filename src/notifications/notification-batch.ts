import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { ticketEvents } from '../tickets/tickets.schema.js';
import { groupTitle } from './notification-templates.js';
import { insertGroup, insertNotifications, type NewNotification } from './notifications.repository.js';

const running = new AsyncLocalStorage<NewNotification[]>();

/** The in-app notifications of the run in progress, held back to be grouped; undefined outside a run. */
export const heldNotifications = (): NewNotification[] | undefined => running.getStore();

/**
 * Runs many ticket changes as one batch (one SLA and escalation run, one bulk request): the
 * in-app notifications they make are held back and written when the batch ends, one per
 * recipient and kind ("33 tickets missed their SLA") with its tickets listed, so the
 * stream carries one event for it. The changes commit each in its own transaction as
 * before, and so do their mails (a mail is threaded on its one ticket); a notification
 * held for a change that rolled back is dropped, since its event never committed.
 */
export async function withGroupedNotifications<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const held: NewNotification[] = [];
  try {
    return await running.run(held, work);
  } finally {
    // What committed before a failure is still told.
    await writeGrouped(db, held);
  }
}

async function writeGrouped(db: Db, held: readonly NewNotification[]): Promise<void> {
  if (held.length === 0) return;
  await db.transaction(async (tx) => {
    const eventIds = [...new Set(held.map((row) => row.eventId))];
    // One array parameter, however many events a long run held.
    const ids = sql`${`{${eventIds.join(',')}}`}::bigint[]`;
    const committed = new Set((await tx.select({ id: ticketEvents.id }).from(ticketEvents).where(sql`${ticketEvents.id} = any(${ids})`)).map((row) => row.id));
    const groups = new Map<string, NewNotification[]>();
    for (const row of held) {
      if (!committed.has(row.eventId)) continue;
      const key = `${row.userId} ${row.type}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const rows of groups.values()) await writeGroup(tx, rows);
  });
}

/** Several notifications about one ticket (both SLA targets missed) stay as they are: a group is of tickets. */
async function writeGroup(tx: Db, rows: readonly NewNotification[]): Promise<void> {
  const [first] = rows;
  const ticketIds = [...new Set(rows.map((row) => row.ticketId))];
  if (!first || ticketIds.length === 1) return insertNotifications(tx, rows);
  const createdAt = new Date(Math.max(...rows.map((row) => row.createdAt.getTime())));
  await insertGroup(tx, { ...first, title: groupTitle(first.type, ticketIds.length), createdAt }, ticketIds);
}
