import { fileTypeFromBuffer } from 'file-type';

/** Enough of the start of a file for every format file-type recognises by its magic bytes. */
export const SNIFF_BYTES = 4100;

/** The only types ever shown inline: raster images browsers decode without running anything. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export interface SniffedType {
  /** What the file is stored as: the sniffed type, else the declared one if well-formed, else octet-stream. */
  contentType: string;
  inlineImage: boolean;
  /** The uploader called it one of the inline image types but its bytes are something else. */
  lies: boolean;
}

/**
 * Decides a file's type from its first bytes, never from what the upload claimed: the claim is
 * kept only when the bytes say nothing (plain text, logs) and is never trusted for serving.
 */
export async function sniffType(head: Buffer, declared: string): Promise<SniffedType> {
  const found = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  const claimed = declared.split(';')[0]?.trim().toLowerCase() ?? '';
  const sniffed = found?.mime;
  const inlineImage = sniffed !== undefined && INLINE_IMAGE_TYPES.has(sniffed);
  const lies = INLINE_IMAGE_TYPES.has(claimed) && sniffed !== claimed;
  const contentType = sniffed ?? (MEDIA_TYPE.test(claimed) ? claimed : 'application/octet-stream');
  return { contentType, inlineImage, lies };
}
