import { Readable } from 'node:stream';
import { and, asc, eq, gt, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { attachmentChunks } from './attachments.schema.js';
import type { BlobStore, ByteRange } from './blob-store.js';

/** Small enough that a query never carries much, large enough that a 25 MiB file is 100 rows. */
export const CHUNK_BYTES = 256 * 1024;

/** Collects arriving pieces into chunks of exactly CHUNK_BYTES (the last one shorter). */
async function* chunked(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of source) {
    pending.push(piece);
    pendingBytes += piece.length;
    while (pendingBytes >= CHUNK_BYTES) {
      const joined = Buffer.concat(pending);
      yield joined.subarray(0, CHUNK_BYTES);
      const rest = joined.subarray(CHUNK_BYTES);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

/**
 * How a chunk's bytes cross to the database. node-postgres sends a Buffer as a binary
 * parameter; PGlite turns a bytea parameter or column into hex one byte at a time in
 * JavaScript, seven times slower than the database's own base64 and a heap of garbage per
 * chunk, so with PGlite the bytes travel as base64 text both ways.
 */
function chunkCodec(driver: Database['driver']): { written: (chunk: Buffer) => SQL | Buffer; read: SQL<Buffer> } {
  if (driver === 'postgres') return { written: (chunk) => chunk, read: sql`${attachmentChunks.data}`.mapWith(attachmentChunks.data) };
  return {
    written: (chunk) => sql`decode(${chunk.toString('base64')}, 'base64')`,
    read: sql`encode(${attachmentChunks.data}, 'base64')`.mapWith((base64: string) => Buffer.from(base64, 'base64')),
  };
}

/**
 * The default store: bytes in `attachment_chunks`, so the embedded start needs nothing more,
 * every app process sees the same files and a database backup holds them. Each chunk is its
 * own statement (no transaction around an upload), so memory stays at one chunk per upload.
 */
export function databaseBlobStore({ db, driver }: Pick<Database, 'db' | 'driver'>): BlobStore {
  const codec = chunkCodec(driver);
  async function* chunksOf(key: string, range: ByteRange): AsyncGenerator<Buffer> {
    // The chunk holding `start`: the last one beginning at or before it.
    let from = Math.floor(range.start / CHUNK_BYTES) * CHUNK_BYTES - 1;
    for (;;) {
      const [row] = await db
        .select({ offset: attachmentChunks.offset, data: codec.read })
        .from(attachmentChunks)
        .where(and(eq(attachmentChunks.storageKey, key), gt(attachmentChunks.offset, from), lte(attachmentChunks.offset, range.end)))
        .orderBy(asc(attachmentChunks.offset))
        .limit(1);
      if (!row) return;
            const { data } = row;
      const start = Math.max(0, range.start - row.offset);
      const end = Math.min(data.length, range.end - row.offset + 1);
      if (end > start) yield data.subarray(start, end);
      from = row.offset;
    }
  }

  return {
    kind: 'database',
    put: async (key, source) => {
      let offset = 0;
      for await (const chunk of chunked(source)) {
        await db.insert(attachmentChunks).values({ storageKey: key, offset, data: codec.written(chunk) });
        offset += chunk.length;
      }
    },
    read: (key, range) => Readable.from(chunksOf(key, range), { objectMode: false }),
    delete: async (key) => {
      await db.execute(sql`delete from ${attachmentChunks} where ${attachmentChunks.storageKey} = ${key}`);
    },
    close: async () => undefined,
  };
}
