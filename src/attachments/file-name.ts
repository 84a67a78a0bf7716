import { invalidFileName } from './attachment-errors.js';

const MAX_NAME_LENGTH = 255;
/**
 * Control characters (a line break in a name could pose as a header line in a mail or a log),
 * line and paragraph separators, and the bidirectional overrides that make `gpj.exe` read
 * as `exe.jpg`.
 */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

/**
 * The name a file is stored and offered under. A path in the name (`../../etc/passwd`,
 * `C:\\Users\\me\\shot.png`) is reduced to its last part, as browsers send it anyway: the name
 * is only ever a label and never a path on any disk. Anything else odd is refused, not
 * repaired, so what the uploader sees is what others see.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).at(-1)?.trim() ?? '';
  if (base === '' || base === '.' || base === '..') throw invalidFileName('The file needs a name');
  if (UNSAFE.test(base)) throw invalidFileName('The file name must not contain control characters');
  if (base.length > MAX_NAME_LENGTH) throw invalidFileName(`The file name must be at most ${MAX_NAME_LENGTH} characters`);
  return base.normalize('NFC');
}

/** `Content-Disposition` for a stored name: an ASCII fallback and the exact name (RFC 6266, RFC 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
