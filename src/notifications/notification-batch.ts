import { AsyncLocalStorage } from 'node:async_hooks';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import type { QueuedMail } from '../mail/outbox.repository.js';
import { batchesStartedBefore, holdInBatch, insertBatch, takeBatch } from './notification-batch.repository.js';
import { groupTitle } from './notification-templates.js';
import { insertGroup, insertNotifications, type NewNotification } from './notifications.repository.js';

/** The batch the running code belongs to. */
const running = new AsyncLocalStorage<string>();

/**
 * A batch open this long is taken for one a crash left open (no run or bulk request takes
 * nearly as long), and the next escalation run ends it. Were a live one ever this slow, its
 * later notifications would only come ungrouped: nothing is lost either way.
 */
export const STALE_BATCH_MS = 15 * 60_000;

/**
 * Runs many ticket changes as one batch (one SLA and escalation run, one bulk request): the
 * in-app notifications they make are grouped when the batch ends, one per recipient and
 * kind ("33 tickets missed their SLA") with its tickets listed, so the stream carries one
 * event for it. Each change commits with its notifications held in the batch, hidden
 * until then, so a crash mid-batch delays them (see `endStaleBatches`) but loses none; its
 * mails go out as before (a mail is threaded on its one ticket).
 */
export async function withGroupedNotifications<T>(ctx: AppContext, work: () => Promise<T>): Promise<T> {
  const { db } = ctx.database;
  const batchId = await insertBatch(db, ctx.now());
  try {
    return await running.run(batchId, work);
  } finally {
    // What committed before a failure is still told.
    await endBatch(db, batchId);
  }
}

/**
 * A change's in-app notifications and mails, in its transaction: the in-app rows held in the
 * batch it belongs to, if any, else shown now, in the statement that queues the mails.
 */
export async function recordNotifications(tx: Db, rows: readonly NewNotification[], mails: readonly QueuedMail[] = []): Promise<void> {
  const batchId = running.getStore();
  if (rows.length > 0 && batchId !== undefined && (await holdInBatch(tx, batchId, rows))) return insertNotifications(tx, [], mails);
  await insertNotifications(tx, rows, mails);
}

/** Ends the batches a crash left open, so their notifications come late rather than never. */
export async function endStaleBatches(ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  for (const batchId of await batchesStartedBefore(db, new Date(ctx.now().getTime() - STALE_BATCH_MS))) await endBatch(db, batchId);
}

/** One transaction: the batch's notifications become visible, grouped, and wake the stream (a trigger). */
async function endBatch(db: Db, batchId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const held = await takeBatch(tx, batchId);
    if (held === undefined) return;
    const groups = new Map<string, NewNotification[]>();
    for (const row of held) {
      const key = `${row.userId} ${row.type}`;
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
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
