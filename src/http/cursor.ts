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

const ISO_INSTANT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_INT4 = 2_147_483_647;

/**
 * Cursor parts are checked as strictly as the columns they are compared with, because a
 * tampered cursor must answer 400, not reach PostgreSQL and fail there: an instant as
 * `toISOString()` writes it (years 1970–9999), a uuid, an `integer` column's range.
 */
export const isCursorInstant = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const match = ISO_INSTANT.exec(value);
  return match !== null && Number(match[1]) >= 1970 && !Number.isNaN(Date.parse(value));
};

export const isCursorUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

export const isCursorInt4 = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_INT4;
