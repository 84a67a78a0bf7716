/**
 * Errors the domain raises. Each kind maps to one HTTP status in the error
 * handler, so services never speak HTTP and every route answers alike.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'rate_limited'
  | 'too_large'
  | 'unsupported_media_type'
  | 'range_not_satisfiable';

/** One invalid field: `path` as written in the request part (`password`, `conditions.statuses[0]`). */
export interface FieldProblem {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    /** For invalid input: what is wrong with each field, answered as `details`. */
    readonly details?: readonly FieldProblem[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string) => new DomainError('invalid', code, message);
/** Input refused for one field, named in `details` so a form can show the message beside it. */
export const invalidField = (code: string, path: string, message: string) =>
  new DomainError('invalid', code, message, [{ path, message }]);
export const unauthenticated = (message = 'Authentication required') =>
  new DomainError('unauthenticated', 'unauthenticated', message);
export const forbidden = (message = 'You are not allowed to do this') => new DomainError('forbidden', 'forbidden', message);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const preconditionFailed = (message = 'The resource changed since you read it') =>
  new DomainError('precondition_failed', 'precondition_failed', message);
export const tooLarge = (code: string, message: string) => new DomainError('too_large', code, message);
export const unsupportedMediaType = (message: string) => new DomainError('unsupported_media_type', 'unsupported_media_type', message);

/** A limit that frees up with time: answered 429 with `Retry-After`. */
export class RetryLaterError extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', code, message);
  }
}
