import type { AppContext } from '../context.js';
import { deleteUnusedUploads, dueLooseBytes, forgetLooseBytes, releaseUnreferencedBlobs } from './attachments.repository.js';
import type { BlobStore } from './blob-store.js';

export interface CleanupRun {
  /** Uploads no ticket or message took in time. */
  expiredUploads: number;
  /** Stored files no attachment refers to any more. */
  releasedBlobs: number;
  /** Keys whose bytes were deleted from the store. */
  deletedBytes: number;
}

const BATCH = 100;

/**
 * Removes uploads unused for `unusedTtlMs`, then the stored files nothing refers to, then
 * the bytes of every loose key that is due (those files, duplicates, broken uploads, and
 * uploads a crash left half-written). Safe to run in several processes at once.
 */
export async function runAttachmentCleanup(ctx: AppContext, store: BlobStore): Promise<CleanupRun> {
  const db = ctx.database.db;
  const now = ctx.now();
  const expiredUploads = await deleteUnusedUploads(db, new Date(now.getTime() - ctx.config.attachments.unusedTtlMs));
  const releasedBlobs = await releaseUnreferencedBlobs(db, now);
  let deletedBytes = 0;
  for (;;) {
    const keys = await dueLooseBytes(db, now, BATCH);
    for (const key of keys) {
      await store.delete(key);
      await forgetLooseBytes(db, key);
      deletedBytes += 1;
    }
    if (keys.length < BATCH) break;
  }
  return { expiredUploads, releasedBlobs, deletedBytes };
}
