import type { components } from './schema';

export type ErrorDetail = NonNullable<components['schemas']['ErrorResponse']['error']['details']>[number];

/** An answer of the API that was not 2xx: `{ error: { code, message, details? } }` (API.md, Conventions). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** One per invalid field, `path` naming it (`password`, `conditions.minutesSinceCreated`). */
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function detailsOf(value: unknown): ErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) =>
    isRecord(entry) && typeof entry.path === 'string' && typeof entry.message === 'string' ? [{ path: entry.path, message: entry.message }] : [],
  );
}

/** Reads the API's error body; anything else (a proxy's page, an empty body) gets a generic message. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const code = typeof error.code === 'string' ? error.code : 'http_error';
  const message = typeof error.message === 'string' ? error.message : `The server answered ${status}`;
  return new ApiError(status, code, message, detailsOf(error.details));
}
