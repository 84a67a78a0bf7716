import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { DomainError } from '../http/errors.js';
import {
  emptyFile,
  fileTooLarge,
  fileTypeMismatch,
  invalidAttachments,
  tooManyAttachments,
  uploadInterrupted,
  uploadQuotaExceeded,
} from './attachment-errors.js';
import {
  attachUploads,
  claimBlob,
  findAttachment,
  forgetLooseBytes,
  insertAttachment,
  markLooseBytes,
  recentUploads,
  type AttachmentRow,
  type AttachmentSummary,
  type AttachmentWithPlace,
} from './attachments.repository.js';
import type { BlobStore, ByteRange } from './blob-store.js';
import { cleanFileName } from './file-name.js';
import { SNIFF_BYTES, sniffType } from './sniff.js';

const HOUR_MS = 3_600_000;
/** Bytes of an upload in progress are cleaned up if nothing claimed them by then (a crash mid-upload). */
const UPLOAD_GRACE_MS = 2 * HOUR_MS;

/** What the multipart reader hands over: the part's file name and type as sent, and its bytes. */
export interface IncomingFile {
  filename: string;
  mimetype: string;
  /** Throws `fileTooLarge` past the limit and `uploadInterrupted` when the client goes away. */
  bytes: AsyncIterable<Buffer>;
}

/** Refuses an upload over the hourly quota before a byte of it is read. */
export async function checkUploadQuota(ctx: AppContext, actor: Actor): Promise<void> {
  authorize(actor, 'attachment.upload');
  const { uploadsPerHour } = ctx.config.attachments;
  const now = ctx.now();
  const recent = await recentUploads(ctx.database.db, actor.id, new Date(now.getTime() - HOUR_MS));
  if (recent.count < uploadsPerHour) return;
  const freesAt = (recent.oldest?.getTime() ?? now.getTime()) + HOUR_MS;
  throw uploadQuotaExceeded(uploadsPerHour, (freesAt - now.getTime()) / 1000);
}

interface Measured {
  sha256: string;
  size: number;
  head: Buffer;
}

/** Passes the bytes on while hashing, counting and keeping the first few KiB for sniffing. */
function measuring(source: AsyncIterable<Buffer>, maxBytes: number, result: Measured): AsyncIterable<Buffer> {
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  return (async function* () {
    for await (const piece of source) {
      result.size += piece.length;
      if (result.size > maxBytes) throw fileTooLarge(maxBytes);
      hash.update(piece);
      if (headBytes < SNIFF_BYTES) {
        head.push(piece.subarray(0, SNIFF_BYTES - headBytes));
        headBytes += Math.min(piece.length, SNIFF_BYTES - headBytes);
      }
      yield piece;
    }
    result.sha256 = hash.digest('hex');
    result.head = Buffer.concat(head);
  })();
}

/** Deletes bytes no blob owns; if the store fails, the cleanup finds them in attachment_loose_bytes. */
async function dropLooseBytes(ctx: AppContext, store: BlobStore, key: string): Promise<void> {
  const db = ctx.database.db;
  await markLooseBytes(db, key, ctx.now()).catch(() => undefined);
  try {
    await store.delete(key);
    await forgetLooseBytes(db, key);
  } catch {
    // Left for the cleanup.
  }
}

/**
 * Stores an upload: the bytes go to the store as they arrive under a fresh key (marked loose
 * until the end), hashed on the way; then one transaction records the blob (or finds the same
 * content stored before, and the fresh copy is dropped) and the attachment. A refused or broken
 * upload leaves no row and no bytes.
 */
export async function uploadAttachment(ctx: AppContext, store: BlobStore, actor: Actor, file: IncomingFile): Promise<AttachmentRow> {
  authorize(actor, 'attachment.upload');
  const name = cleanFileName(file.filename);
  const { maxFileBytes } = ctx.config.attachments;
  const db = ctx.database.db;
  const key = randomUUID();
  await markLooseBytes(db, key, new Date(ctx.now().getTime() + UPLOAD_GRACE_MS));
  const measured: Measured = { sha256: '', size: 0, head: Buffer.alloc(0) };
  let recorded: { storageKey: string; attachment: AttachmentRow };
  try {
    await store.put(key, measuring(file.bytes, maxFileBytes, measured));
    if (measured.size === 0) throw emptyFile();
    const type = await sniffType(measured.head, file.mimetype);
    if (type.lies) throw fileTypeMismatch(file.mimetype);
    const now = ctx.now();
    recorded = await db.transaction(async (tx) => {
      const storageKey = await claimBlob(tx, { sha256: measured.sha256, storageKey: key, size: measured.size, createdAt: now });
      const attachment = await insertAttachment(tx, {
        uploaderId: actor.id,
        name,
        contentType: type.contentType,
        size: measured.size,
        sha256: measured.sha256,
        inlineImage: type.inlineImage,
        createdAt: now,
      });
      if (storageKey === key) await forgetLooseBytes(tx, key);
      return { storageKey, attachment };
    });
  } catch (error) {
    await dropLooseBytes(ctx, store, key);
    if (error instanceof DomainError) throw error;
    // Anything else while reading the body: the client went away or sent a broken form.
    if (isBrokenUpload(error)) throw uploadInterrupted();
    throw error;
  }
  // The same content was stored before: this copy is not needed.
  if (recorded.storageKey !== key) await dropLooseBytes(ctx, store, key);
  return recorded.attachment;
}

const BROKEN_UPLOAD = /terminated early|Unexpected end of (form|multipart)|aborted|premature close/i;

function isBrokenUpload(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  return error instanceof Error && BROKEN_UPLOAD.test(error.message);
}

/** An attachment the actor may see, or 404. */
export async function readableAttachment(ctx: AppContext, actor: Actor, id: string): Promise<AttachmentWithPlace> {
  const attachment = await findAttachment(ctx.database.db, id);
  authorize(actor, 'attachment.read', attachment);
  return attachment;
}

export function openAttachment(store: BlobStore, attachment: AttachmentWithPlace, range: ByteRange): Readable {
  return store.read(attachment.storageKey, range);
}

/**
 * Gives the actor's own unattached uploads to a ticket or message, in the caller's
 * transaction. Any id that is not such an upload refuses the whole request (400), so a
 * message never goes out with fewer files than its author meant.
 */
export async function attachToTicket(
  ctx: AppContext,
  tx: Db,
  actor: Actor,
  target: { ids: readonly string[] | undefined; ticketId: string; messageId: string | null },
): Promise<AttachmentSummary[]> {
  const ids = [...new Set(target.ids ?? [])];
  if (ids.length === 0) return [];
  const max = ctx.config.attachments.maxFilesPerMessage;
  if (ids.length > max) throw tooManyAttachments(max);
  const attached = await attachUploads(tx, { ids, uploaderId: actor.id, ticketId: target.ticketId, messageId: target.messageId });
  if (attached.length !== ids.length) throw invalidAttachments();
  return attached;
}
