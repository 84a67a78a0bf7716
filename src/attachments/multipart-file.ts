import type { Readable } from 'node:stream';
import { fileTooLarge } from './attachment-errors.js';

/**
 * A multipart file part's bytes. Busboy stops a file at the size limit and marks it
 * truncated instead of failing, so a stored file could silently be cut short: this turns
 * that into the 413 the API promises.
 */
export async function* fileBytes(file: Readable & { truncated?: boolean }, maxBytes: number): AsyncGenerator<Buffer> {
  for await (const piece of file) {
    if (file.truncated) throw fileTooLarge(maxBytes);
    yield piece as Buffer;
  }
  if (file.truncated) throw fileTooLarge(maxBytes);
}
