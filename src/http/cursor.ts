import { invalid } from './errors.js';

/** Opaque keyset cursors: base64url JSON, answered with 400 when tampered. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!isValid(parsed)) throw invalid('invalid_cursor', 'The cursor is malformed');
  return parsed;
}
