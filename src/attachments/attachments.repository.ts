import { and, asc, count, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { TicketPlace } from '../authz/policies/ticket.js';
import type { Db } from '../db/database.js';
import { queryRows } from '../db/database.js';
import { ticketMessages, tickets } from '../tickets/tickets.schema.js';
import { attachmentBlobs, attachmentLooseBytes, attachments } from './attachments.schema.js';

export interface AttachmentSummary {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

export interface AttachmentRow extends AttachmentSummary {
  uploaderId: string;
  sha256: string;
  inlineImage: boolean;
  ticketId: string | null;
  messageId: string | null;
  createdAt: Date;
}

/** An attachment with what deciding who may see it needs: its ticket's place, its message's kind. */
export interface AttachmentWithPlace extends AttachmentRow {
  storageKey: string;
  ticket: TicketPlace | null;
  internal: boolean;
}

const summaryColumns = {
  id: attachments.id,
  name: attachments.name,
  contentType: attachments.contentType,
  size: attachments.size,
};

const rowColumns = {
  ...summaryColumns,
  uploaderId: attachments.uploaderId,
  sha256: attachments.sha256,
  inlineImage: attachments.inlineImage,
  ticketId: attachments.ticketId,
  messageId: attachments.messageId,
  createdAt: attachments.createdAt,
};

/** Bytes about to be written under `key`: owned by nobody until `recordUpload` says otherwise. */
export async function markLooseBytes(db: Db, storageKey: string, expiresAt: Date): Promise<void> {
  await db
    .insert(attachmentLooseBytes)
    .values({ storageKey, expiresAt })
    .onConflictDoUpdate({ target: attachmentLooseBytes.storageKey, set: { expiresAt } });
}

export async function forgetLooseBytes(db: Db, storageKey: string): Promise<void> {
  await db.delete(attachmentLooseBytes).where(eq(attachmentLooseBytes.storageKey, storageKey));
}

export async function dueLooseBytes(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ key: attachmentLooseBytes.storageKey })
    .from(attachmentLooseBytes)
    .where(lte(attachmentLooseBytes.expiresAt, now))
    .orderBy(asc(attachmentLooseBytes.expiresAt))
    .limit(limit);
  return rows.map((row) => row.key);
}

/**
 * Records the blob (or finds the one with the same SHA-256) and returns the key that holds
 * its bytes. The upsert locks an existing blob row, so the cleanup cannot remove it before
 * this transaction's attachment refers to it.
 */
export async function claimBlob(tx: Db, blob: { sha256: string; storageKey: string; size: number; createdAt: Date }): Promise<string> {
  const [row] = await tx
    .insert(attachmentBlobs)
    .values(blob)
    .onConflictDoUpdate({ target: attachmentBlobs.sha256, set: { sha256: sql`excluded.sha256` } })
    .returning({ storageKey: attachmentBlobs.storageKey });
  if (!row) throw new Error('blob upsert returned nothing');
  return row.storageKey;
}

export async function insertAttachment(
  tx: Db,
  values: Pick<AttachmentRow, 'uploaderId' | 'name' | 'contentType' | 'size' | 'sha256' | 'inlineImage' | 'createdAt'>,
): Promise<AttachmentRow> {
  const [row] = await tx.insert(attachments).values(values).returning(rowColumns);
  if (!row) throw new Error('attachment insert returned nothing');
  return row;
}

/** Uploads by the user since `since`, and the oldest of them (when the quota frees up). */
export async function recentUploads(db: Db, uploaderId: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const [row] = await db
    .select({ count: count(), oldest: sql<string | null>`min(${attachments.createdAt})::text` })
    .from(attachments)
    .where(and(eq(attachments.uploaderId, uploaderId), gte(attachments.createdAt, since)));
  return { count: row?.count ?? 0, oldest: row?.oldest ? new Date(row.oldest) : null };
}

export async function findAttachment(db: Db, id: string): Promise<AttachmentWithPlace | undefined> {
  const [row] = await db
    .select({
      ...rowColumns,
      storageKey: attachmentBlobs.storageKey,
      ticket: { requesterId: tickets.requesterId, assigneeId: tickets.assigneeId, teamId: tickets.teamId },
      internal: sql<boolean>`coalesce(${ticketMessages.internal}, false)`,
    })
    .from(attachments)
    .innerJoin(attachmentBlobs, eq(attachmentBlobs.sha256, attachments.sha256))
    .leftJoin(tickets, eq(tickets.id, attachments.ticketId))
    .leftJoin(ticketMessages, eq(ticketMessages.id, attachments.messageId))
    .where(eq(attachments.id, id));
  return row;
}

/**
 * Gives the uploader's unattached uploads among `ids` to a ticket (and message). Returns
 * those taken: fewer than asked means some id was not the uploader's, or already taken.
 */
export async function attachUploads(
  tx: Db,
  target: { ids: readonly string[]; uploaderId: string; ticketId: string; messageId: string | null },
): Promise<AttachmentSummary[]> {
  if (target.ids.length === 0) return [];
  const rows = await tx
    .update(attachments)
    .set({ ticketId: target.ticketId, messageId: target.messageId })
    .where(and(inArray(attachments.id, [...target.ids]), eq(attachments.uploaderId, target.uploaderId), isNull(attachments.ticketId)))
    .returning(summaryColumns);
  // In the order the client listed them.
  const order = new Map(target.ids.map((id, index) => [id, index]));
  return rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/**
 * The attachments `where` selects, in upload order, as one JSON column of a statement that
 * reads what they belong to: `where` names the owner's columns of the outer query.
 */
export const attachmentsJson = (where: SQL): SQL<AttachmentSummary[]> => sql<AttachmentSummary[]>`(select coalesce(json_agg(json_build_object(
    'id', a.id, 'name', a.name, 'contentType', a.content_type, 'size', a.size) order by a.created_at, a.id), '[]')
  from ${attachments} a where ${where})`;

/** A ticket's own attachments (given with its description, not with a message). */
export async function attachmentsOfTicket(db: Db, ticketId: string): Promise<AttachmentSummary[]> {
  return db
    .select(summaryColumns)
    .from(attachments)
    .where(and(eq(attachments.ticketId, ticketId), isNull(attachments.messageId)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
}

/** Removes uploads never attached that were made before `before`. */
export async function deleteUnusedUploads(db: Db, before: Date): Promise<number> {
  const rows = await db
    .delete(attachments)
    .where(and(isNull(attachments.ticketId), lt(attachments.createdAt, before)))
    .returning({ id: attachments.id });
  return rows.length;
}

/**
 * Deletes blob rows no attachment refers to any more and, in the same transaction, marks
 * their bytes loose (due now), so the bytes go even if this process stops right after.
 * A concurrent upload of the same file either locked the row first (its attachment then
 * refers to it, and the foreign key refuses this delete: tried again next run) or comes
 * after and stores its own bytes.
 */
export async function releaseUnreferencedBlobs(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await queryRows<{ storage_key: string }>(
      tx,
      sql`delete from ${attachmentBlobs} b
          where not exists (select 1 from ${attachments} a where a.sha256 = b.sha256)
          returning b.storage_key`,
    );
    for (const row of rows) await markLooseBytes(tx, row.storage_key, now);
    return rows.length;
  });
}
