import type { Readable } from 'node:stream';

/** Inclusive byte positions, as in an HTTP Range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where attachments' bytes live, by key. Keys are chosen by the caller (a fresh UUID per
 * upload) and written once; which key holds which file, and whether any still does, is
 * kept in the database (attachment_blobs, attachment_loose_bytes), never asked of the store.
 */
export interface BlobStore {
  readonly kind: 'database' | 's3';
  /**
   * Writes the bytes under `key` as they arrive, never holding a whole file. When the source
   * fails part-way, whatever was written may remain: the caller deletes it.
   */
  put(key: string, source: AsyncIterable<Buffer>): Promise<void>;
  /** Streams the bytes in `range`. */
  read(key: string, range: ByteRange): Readable;
  /** Deletes the bytes under `key`; deleting what is not there is no error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
