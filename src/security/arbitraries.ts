import fc from 'fast-check';
import type { JsonSchema, Operation } from './openapi.js';

/**
 * Strings that have broken other systems: SQL and LIKE metacharacters, path tricks,
 * template syntax, control and odd Unicode characters, and dates at the edges.
 */
export const ATTACK_STRINGS: readonly string[] = [
  "' OR 1=1 --",
  "'; drop table users; --",
  '" OR ""="',
  '%',
  '_',
  '\\',
  "%_'\\",
  '%%',
  '\\%',
  '*',
  '$1',
  '../../etc/passwd',
  '..',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  'true',
  '-1',
  '0',
  '1e309',
  '9'.repeat(40),
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u2066',
  '\ufeff',
  '\uffff',
  '🙂👩‍👩‍👧',
  'ﷺ',
  'Ǆ',
  'İ',
  'ß',
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '275760-09-13',
  '+275760-09-13T00:00:00Z',
  '2024-02-30',
  '2024-13-45',
  '2024-01-01T23:59:60Z',
  '2024-01-01T25:61:00Z',
  '1970-01-01T00:00:00+14:00',
  'Infinity',
  '-Infinity',
  '99999999999999999999',
  '-9223372036854775809',
  'SELECT pg_sleep(10)',
  'me',
  'none',
];

/** Strings far longer than any field allows. */
const hugeString = fc.constantFrom(10_000, 100_000).chain((length) =>
  fc.constantFrom('a', '\u00e9', "'", '%', '🙂').map((unit) => unit.repeat(length)),
);

export const junkString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ATTACK_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
);

/** Any JSON value, biased to the kinds of values that break parsers and databases. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: junkString },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, -1e308, [], {}, [null], { __proto__: { role: 'manager' } }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Fields a client must not be able to set on its own, wherever it tries. */
export const MASS_ASSIGNMENT: Readonly<Record<string, unknown>> = {
  role: 'manager',
  requesterId: '00000000-0000-4000-8000-000000000000',
  assigneeId: '00000000-0000-4000-8000-000000000000',
  authorId: '00000000-0000-4000-8000-000000000000',
  id: '00000000-0000-4000-8000-000000000000',
  createdAt: '2000-01-01T00:00:00.000Z',
  active: true,
  permissions: ['users.manage'],
  passwordHash: 'x',
  number: 1,
  version: 1,
};

/** Ids that exist in the database under test (anyone's), so guesses hit real rows. */
export interface IdPools {
  uuids: readonly string[];
  numbers: readonly string[];
}

const DATES = [
  '2024-02-29T12:00:00Z',
  '2024-02-29T12:00:00.123+02:00',
  '1970-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2024-01-01T23:59:60Z',
  '2024-06-01',
];

const uuidArbitrary = (pools: IdPools): fc.Arbitrary<string> =>
  pools.uuids.length > 0
    ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pools.uuids) }, { weight: 1, arbitrary: fc.uuid() })
    : fc.uuid();

function stringFor(schema: JsonSchema, pools: IdPools): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return uuidArbitrary(pools);
  if (schema.format === 'date-time') return fc.oneof(fc.constantFrom(...DATES), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 60, 300);
  const fits = (value: string) => value.length >= minLength && value.length <= (schema.maxLength ?? Infinity);
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    // Digits-only ids: real ones from the database, or any number of the right shape.
    const numeric = /^\^\[0-9\]/.test(schema.pattern) && pools.numbers.length > 0 ? [fc.constantFrom(...pools.numbers)] : [];
    const tricky = ATTACK_STRINGS.filter((value) => pattern.test(value) && fits(value));
    const trickyArbitrary = tricky.length > 0 ? [fc.constantFrom(...tricky)] : [];
    return fc.oneof(...numeric, fc.stringMatching(pattern).filter(fits), ...trickyArbitrary);
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    { weight: 2, arbitrary: fc.constantFrom(...ATTACK_STRINGS.filter(fits).concat(['x'.repeat(Math.max(1, minLength))]).filter(fits)) },
  );
}

function numberFor(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -(2 ** 31);
  const max = schema.maximum ?? 2 ** 31;
  const inRange = integer ? fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }) : fc.double({ min, max, noNaN: true });
  // Just outside the range, and numbers a database column cannot hold.
  const edges = [min - 1, max + 1, min, max, 2 ** 31, 2 ** 53, -(2 ** 53), 0];
  return fc.oneof({ weight: 3, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
}

/** Values shaped by the schema (mostly valid, sometimes just outside it). */
export function valueFor(schema: JsonSchema, pools: IdPools, depth = 0): fc.Arbitrary<unknown> {
  const base = baseValueFor(schema, pools, depth);
  return schema.nullable ? fc.option(base, { nil: null, freq: 5 }) : base;
}

function baseValueFor(schema: JsonSchema, pools: IdPools, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((alternative) => valueFor(alternative, pools, depth)));
  if (schema.allOf && schema.allOf.length > 0) return valueFor(Object.assign({}, ...schema.allOf) as JsonSchema, pools, depth);
  switch (schema.type) {
    case 'string':
      return stringFor(schema, pools);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = schema.items ? fuzzValueFor(schema.items, pools, depth + 1) : junkValue;
      return fc.array(item, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    }
    case 'object':
      return objectFor(schema, pools, depth);
    default:
      return junkValue;
  }
}

function objectFor(schema: JsonSchema, pools: IdPools, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  if (depth > 4) return fc.constant({});
  const model = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, fuzzValueFor(value, pools, depth + 1)]));
  const required = (schema.required ?? []).filter((key) => key in model);
  const record = fc.record(model, { requiredKeys: required });
  // Now and then a required field goes missing, or fields the client may not set come along.
  const extra = fc.dictionary(fc.constantFrom(...Object.keys(MASS_ASSIGNMENT), 'unknownField', '__proto__', 'constructor'), junkValue, { maxKeys: 2 });
  const massAssigned = fc.subarray(Object.keys(MASS_ASSIGNMENT), { maxLength: 2 }).map((keys) => Object.fromEntries(keys.map((key) => [key, MASS_ASSIGNMENT[key]])));
  return fc.oneof(
    { weight: 6, arbitrary: record },
    { weight: 1, arbitrary: fc.tuple(record, massAssigned).map(([value, more]) => ({ ...more, ...(value as object) })) },
    { weight: 1, arbitrary: fc.tuple(record, extra).map(([value, more]) => ({ ...(value as object), ...more })) },
    {
      weight: 1,
      arbitrary: fc.tuple(record, fc.constantFrom(...(required.length > 0 ? required : ['none']))).map(([value, drop]) => {
        const copy: Record<string, unknown> = { ...(value as object) };
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- dropping a chosen required field is the point
        delete copy[drop];
        return copy;
      }),
    },
  );
}

/** Mostly schema-shaped, sometimes anything at all. */
export function fuzzValueFor(schema: JsonSchema, pools: IdPools, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 5, arbitrary: valueFor(schema, pools, depth) }, { weight: 1, arbitrary: junkValue });
}

/** A query value as a string (arrays repeat the key). */
const asQueryValue = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))) : [typeof value === 'string' ? value : JSON.stringify(value)];

const MAX_HEADER_VALUE = 2000;

/**
 * Header values must be visible ASCII, or Node refuses to send them at all. Cut before
 * filtering: junk strings run to 100 kB, and scanning them whole was a second of each fuzzing.
 */
const headerSafe = (value: string): string => value.slice(0, MAX_HEADER_VALUE).replace(/[^\x20-\x7e]/g, '');

/** Raw path segments and query strings that are malformed as URLs, sent unencoded. */
const RAW_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%00', '%2e%2e', '..', ';', "'", '%25', '%C0%AF'];
const RAW_QUERIES = ['%zz', 'q=%', 'limit=1&limit=2', 'q[]=x', '__proto__[role]=manager', 'constructor[prototype][role]=manager', '%00=%00', '=', '&&&', 'cursor=' + '%ff'.repeat(10)];

export interface GeneratedRequest {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  /** A JSON value (sent as JSON), or a raw string sent with the headers' content type. */
  payload: { json: unknown } | { raw: string } | undefined;
}

const ENCODED_BYTES = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

/**
 * Percent-encodes the UTF-8 bytes of any string, lone surrogates included (they become
 * U+FFFD like in any UTF-8 encoder); `encodeURIComponent` throws on those.
 */
export const encodeSegment = (value: string): string => Array.from(Buffer.from(value, 'utf8'), (byte) => ENCODED_BYTES[byte]).join('');

/** Fastify's default `maxParamLength`: longer path parameters never reach a route. */
const MAX_PARAM_LENGTH = 100;

export interface RequestOptions {
  /**
   * Also send path segments that are not valid URL encoding or longer than a route
   * accepts; these are answered by the framework before any route or error handler.
   */
  malformedUrls: boolean;
}

function pathValue(parameter: Operation['pathParams'][number], pools: IdPools, options: RequestOptions): fc.Arbitrary<{ value: string; raw: boolean }> {
  const wellFormed = fc
    .oneof(
      { weight: 4, arbitrary: valueFor(parameter.schema, pools).map((value) => asQueryValue(value).join(',')) },
      { weight: 2, arbitrary: fc.constantFrom(...pools.uuids, ...pools.numbers) },
      { weight: 2, arbitrary: junkString },
    )
    .map((value) => ({ value, raw: false }));
  // Every UTF-16 unit encodes to at least one character: longer strings need no encoding to be refused.
  if (!options.malformedUrls) return wellFormed.filter(({ value }) => value.length <= MAX_PARAM_LENGTH && encodeSegment(value).length <= MAX_PARAM_LENGTH);
  return fc.oneof(
    { weight: 8, arbitrary: wellFormed },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS).map((value) => ({ value, raw: true })) },
  );
}

function queryFor(operation: Operation, pools: IdPools): fc.Arbitrary<string> {
  const model = Object.fromEntries(operation.query.map((p) => [p.name, fuzzValueFor(p.schema, pools)]));
  const structured = fc
    .tuple(
      fc.record(model, { requiredKeys: operation.query.filter((p) => p.required).map((p) => p.name) }),
      fc.dictionary(fc.constantFrom('role', 'requesterId', 'unknown', 'access_token', 'admin'), junkString.map(headerSafe), { maxKeys: 1 }),
    )
    .map(([known, extra]) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries({ ...known, ...extra })) for (const item of asQueryValue(value)) params.append(key, item);
      return params.toString();
    });
  return fc.oneof({ weight: 8, arbitrary: structured }, { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERIES) });
}

function headersFor(operation: Operation, pools: IdPools): fc.Arbitrary<Record<string, string>> {
  const model = Object.fromEntries(
    operation.headers.map((p) => [p.name, fuzzValueFor(p.schema, pools).map((value) => headerSafe(asQueryValue(value).join(',')))]),
  );
  const extra = fc.dictionary(
    fc.constantFrom('x-forwarded-for', 'accept', 'accept-encoding', 'origin', 'x-http-method-override', 'if-none-match', 'range'),
    junkString.map(headerSafe),
    { maxKeys: 2 },
  );
  return fc.tuple(fc.record(model, { requiredKeys: [] }), extra).map(([known, more]) => {
    const headers: Record<string, string> = { ...more };
    for (const [name, value] of Object.entries(known)) if (value !== undefined) headers[name] = value;
    return headers;
  });
}

function payloadFor(operation: Operation, pools: IdPools): fc.Arbitrary<{ payload: GeneratedRequest['payload']; contentType: string | undefined }> {
  const json = (arbitrary: fc.Arbitrary<unknown>) => arbitrary.map((value) => ({ payload: { json: value }, contentType: 'application/json' }));
  const raw = (contentType: string | undefined, body: fc.Arbitrary<string>) => body.map((text) => ({ payload: { raw: text }, contentType }));
  const broken = raw('application/json', fc.constantFrom('{', '{"a":', '[1,]', 'nul', '"\\ud800"', '{"__proto__":{"role":"manager"}}', '{"constructor":{"prototype":{"x":1}}}', '1'.repeat(400)));
  const other = fc
    .tuple(
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/jsonx'),
      fc.constantFrom('role=manager', '{"a":1}', ''),
    )
    .map(([contentType, text]) => ({ payload: { raw: text }, contentType }));
  const none = fc.constant({ payload: undefined, contentType: undefined });
  if (!operation.body) {
    return fc.oneof({ weight: 6, arbitrary: none }, { weight: 1, arbitrary: json(junkValue) }, { weight: 1, arbitrary: broken });
  }
  return fc.oneof(
    { weight: 8, arbitrary: json(valueFor(operation.body, pools)) },
    { weight: 1, arbitrary: json(junkValue) },
    { weight: 1, arbitrary: broken },
    { weight: 1, arbitrary: other },
    { weight: 1, arbitrary: none },
  );
}

const cut = (text: string, length = 200): string => (text.length > length ? `${text.slice(0, length)}…(${text.length} chars)` : text);

/** A request in one readable line, long values cut. */
export function summarize(request: GeneratedRequest): string {
  const payload = request.payload === undefined ? '' : 'json' in request.payload ? JSON.stringify(request.payload.json) : request.payload.raw;
  return `${request.method} ${cut(request.url)} headers=${cut(JSON.stringify(request.headers))} body=${cut(payload ?? 'undefined')}`;
}

/** Whole requests to one operation: path ids, query, headers and body, each valid or not. */
export function requestFor(operation: Operation, pools: IdPools, options: RequestOptions = { malformedUrls: true }): fc.Arbitrary<GeneratedRequest> {
  const params = fc.record(Object.fromEntries(operation.pathParams.map((p) => [p.name, pathValue(p, pools, options)])));
  return fc.tuple(params, queryFor(operation, pools), headersFor(operation, pools), payloadFor(operation, pools)).map(([path, query, headers, body]) => {
    const url = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
      const part = path[name];
      if (!part) return '';
      return part.raw ? part.value : encodeSegment(part.value);
    });
    const request: GeneratedRequest = {
      method: operation.method,
      url: query ? `${url}?${query}` : url,
      headers: body.contentType ? { ...headers, 'content-type': body.contentType } : headers,
      payload: body.payload,
    };
    // Counterexamples can hold 100 kB strings: print them cut short.
    return Object.defineProperty(request, fc.toStringMethod, { value: () => summarize(request), enumerable: false });
  });
}
