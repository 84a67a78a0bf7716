import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import sharp from 'sharp';

/** The longer side of a thumbnail: a conversation shows it at most this big. */
export const THUMBNAIL_SIZE = 320;
/**
 * A small file can still claim a huge canvas (a decompression bomb); past this many pixels the
 * image is not decoded at all. 50 megapixels covers any camera or screenshot.
 */
const MAX_INPUT_PIXELS = 50_000_000;

export class ThumbnailError extends Error {}

/**
 * A WebP of the image's first frame, turned upright, at most THUMBNAIL_SIZE on its longer side
 * and never enlarged. libvips decodes on the thread pool, off the event loop.
 */
export async function thumbnailOf(source: Readable): Promise<Buffer> {
  const resize = sharp({ limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 });
  try {
    const [, image] = await Promise.all([pipeline(source, resize), resize.toBuffer()]);
    return image;
  } catch (error) {
    throw new ThumbnailError(error instanceof Error ? error.message : String(error));
  }
}
