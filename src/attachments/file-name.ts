import { invalidFileName } from './attachment-errors.js';

const MAX_NAME_LENGTH = 255;
/**
 * Control characters (a line break in a name could pose as a header line in a mail or a log),
 * line and paragraph separators, and the bidirectional overrides that make `gpj.exe` read
 * as `exe.jpg`.
 */
const UNSAFE_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x2028, 0x2029],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
];
function isUnsafe(name: string): boolean {
  // Code point by code point: a regular expression over control characters is what lint forbids.
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    if (UNSAFE_RANGES.some(([from, to]) => code >= from && code <= to)) return true;
  }
  return false;
}

/**
 * The name a file is stored and offered under. A path in the name (`../../etc/passwd`,
 * `C:\\Users\\me\\shot.png`) is reduced to its last part, as browsers send it anyway: the name
 * is only ever a label and never a path on any disk. Anything else odd is refused, not
 * repaired, so what the uploader sees is what others see.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).at(-1)?.trim() ?? '';
  if (base === '' || base === '.' || base === '..') throw invalidFileName('The file needs a name');
  if (isUnsafe(base)) throw invalidFileName('The file name must not contain control characters');
  if (base.length > MAX_NAME_LENGTH) throw invalidFileName(`The file name must be at most ${MAX_NAME_LENGTH} characters`);
  return base.normalize('NFC');
}

/** `Content-Disposition` for a stored name: an ASCII fallback and the exact name (RFC 6266, RFC 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
