import { Type, type SchemaOptions, type Static, type TLiteral, type TNull, type TSchema, type TUnion } from '@sinclair/typebox';
import { PERMISSIONS, ROLES } from '../authz/permissions.js';
import { EMAIL_ADDRESS_PATTERN } from '../email-address.js';

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * A schema for one of the words a constant lists (roles, statuses, …), typed as exactly as
 * a union written out by hand, so each vocabulary is defined once and the OpenAPI document
 * (and the web app's types generated from it) follow it.
 */
export function literalUnion<const T extends readonly string[]>(values: T, options?: SchemaOptions): TUnion<Literals<T>> {
  return Type.Union(values.map((value) => Type.Literal(value)), options) as TUnion<Literals<T>>;
}

export const RoleSchema = literalUnion(ROLES);
export const PermissionSchema = literalUnion(PERMISSIONS);

export const FieldProblem = Type.Object(
  {
    path: Type.String({
      description:
        'The field, as written in the request part it came from: `password`, `conditions.statuses[0]`; empty for the part as a whole',
    }),
    message: Type.String({ description: 'What is wrong, written for people: "Password must be at least 8 characters"' }),
  },
  { additionalProperties: false },
);

export const ErrorResponse = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'Stable machine code, e.g. `invalid_input`, `ticket_not_found`' }),
        message: Type.String({ description: 'A sentence for people; for invalid input, the first problem' }),
        details: Type.Optional(
          Type.Array(FieldProblem, { description: 'Invalid input only: one problem per field of the body, query or path' }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'ErrorResponse', description: 'Every error the API answers, whatever its status', additionalProperties: false },
);

/** The one error component, referenced rather than copied into every response. */
const errorAnswer = (description: string, headers?: Record<string, TSchema>) =>
  Type.Unsafe<Static<typeof ErrorResponse>>(Type.Ref('ErrorResponse', { description, ...(headers ? { headers } : {}) }));

const RetryAfter = { 'Retry-After': Type.Integer({ minimum: 1, description: 'Seconds to wait before trying again' }) };

/** What any API route may answer besides its success. */
export const errorResponses = {
  400: errorAnswer('Invalid input: unknown fields, wrong types, too long; `details` names each field'),
  401: errorAnswer('Not authenticated: missing, malformed, expired or revoked token, or a deactivated user'),
  403: errorAnswer('Authenticated but not allowed'),
  404: errorAnswer('Not found, or not visible to the caller'),
  409: errorAnswer('Conflicts with the current state'),
  431: errorAnswer('Request headers or URL too large'),
  503: errorAnswer('The database is briefly unavailable', RetryAfter),
} as const;

/** Added by routes that take a JSON body. */
export const bodyErrorResponses = {
  413: errorAnswer('Body larger than 1 MiB'),
  415: errorAnswer('Unsupported media type: send application/json'),
} as const;

/** Added by routes that take a file as multipart/form-data instead of JSON. */
export const uploadErrorResponses = {
  413: errorAnswer('The file is larger than the limit, or a message would carry too many files'),
  415: errorAnswer('Unsupported media type: send multipart/form-data'),
} as const;

/** Added by routes that take a raw mail (message/rfc822) instead of JSON. */
export const rawMailErrorResponses = {
  413: errorAnswer('The mail is larger than the intake limit (INBOUND_MAX_BYTES)'),
  415: errorAnswer('Unsupported media type: send message/rfc822'),
} as const;

/** Added by routes that honour Range. */
export const rangeErrorResponses = {
  416: errorAnswer('The Range asked for lies outside the file'),
} as const;

/** Added by rate-limited routes. */
export const rateLimitedResponses = {
  429: errorAnswer('Too many requests', RetryAfter),
} as const;

/** Added by routes that honour If-Match. */
export const staleVersionResponses = {
  412: errorAnswer('Changed since it was read (If-Match no longer matches)'),
} as const;

/** The answer a route outside /api gives to oversized headers, before any handler runs. */
export const headersTooLargeResponse = { 431: errorResponses[431] } as const;

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const Timestamp = Type.String({ format: 'date-time' });

/**
 * The schema or null. A schema with a `type` is marked `nullable` instead of joined with null
 * in a union: fast-json-stringify chose a union's branch for every value it wrote by
 * validating it with ajv (a date-time's format included), several times the cost of writing
 * it. Both accept the same values, and the OpenAPI document says `nullable` of either, so
 * TypeBox is told the union's type. One without a `type` (a union of literals) stays a union.
 */
export const Nullable = <T extends TSchema>(schema: T): TUnion<[T, TNull]> => {
  const union = Type.Union([schema, Type.Null()]);
  return 'type' in schema ? ({ ...schema, nullable: true } as unknown as typeof union) : union;
};

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const listOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) }, { additionalProperties: false });

// Deliberately loose: `manager@localhost` (the first manager) and intranet domains are valid here.
export const Email = Type.String({
  pattern: EMAIL_ADDRESS_PATTERN,
  minLength: 3,
  maxLength: 254,
  'x-pattern-message': 'must be a valid email address',
});
export const Password = Type.String({ minLength: 8, maxLength: 200 });
/**
 * A name is shown inside mails and pages as part of a sentence: a line break, a tab or another
 * control character (U+2028 and U+2029 break lines too) would let it pose as a paragraph of its own.
 */
export const PersonName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*$',
  'x-pattern-message': 'must be on one line, without control characters',
});
