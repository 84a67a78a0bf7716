import { asc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { NewNotification } from './notifications.repository.js';
import { notificationBatches, notificationBatchItems } from './notifications.schema.js';

export async function insertBatch(db: Db, startedAt: Date): Promise<string> {
  const [row] = await db.insert(notificationBatches).values({ startedAt }).returning({ id: notificationBatches.id });
  if (!row) throw new Error('notification batch insert returned nothing');
  return row.id;
}

/**
 * Adds a change's notifications to an open batch, in the change's transaction; false when
 * the batch has ended meanwhile (taken for a crashed one), and they are to be written as they are.
 * The key-share lock makes `takeBatch` wait until this transaction ends, so no row lands in
 * a batch already turned into notifications.
 */
export async function holdInBatch(tx: Db, batchId: string, rows: readonly NewNotification[]): Promise<boolean> {
  const [open] = await tx.select({ id: notificationBatches.id }).from(notificationBatches).where(eq(notificationBatches.id, batchId)).for('key share');
  if (!open) return false;
  await tx.insert(notificationBatchItems).values(rows.map((row) => ({ ...row, batchId })));
  return true;
}

/**
 * Ends a batch in `tx`: its notifications in event order, removed with it; undefined when it
 * has ended already (by its run, or by another process's sweep).
 */
export async function takeBatch(tx: Db, batchId: string): Promise<NewNotification[] | undefined> {
  // Waits for the changes still adding to it; the next statement then sees what they committed.
  const [open] = await tx.select({ id: notificationBatches.id }).from(notificationBatches).where(eq(notificationBatches.id, batchId)).for('update');
  if (!open) return undefined;
  const rows = await tx.delete(notificationBatchItems).where(eq(notificationBatchItems.batchId, batchId)).returning({
    userId: notificationBatchItems.userId,
    ticketId: notificationBatchItems.ticketId,
    eventId: notificationBatchItems.eventId,
    type: notificationBatchItems.type,
    title: notificationBatchItems.title,
    createdAt: notificationBatchItems.createdAt,
  });
  await tx.delete(notificationBatches).where(eq(notificationBatches.id, batchId));
  return rows.sort((a, b) => a.eventId - b.eventId);
}

/** Batches started before `before`, oldest first. */
export async function batchesStartedBefore(db: Db, before: Date): Promise<string[]> {
  const rows = await db
    .select({ id: notificationBatches.id })
    .from(notificationBatches)
    .where(lt(notificationBatches.startedAt, before))
    .orderBy(asc(notificationBatches.startedAt));
  return rows.map((row) => row.id);
}
