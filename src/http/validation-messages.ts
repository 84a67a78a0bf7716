import type { AnySchemaObject, ErrorObject } from 'ajv';
import type { FieldProblem } from './errors.js';

/**
 * Schema validation errors as sentences for people ("Password must be at least 8
 * characters"). A field is labelled by its schema's `title`, or else by its name
 * (`firstResponseMinutes` → "First response minutes"), so no route writes messages of its
 * own. A pattern says nothing to a person: a schema may say what it means with
 * `'x-pattern-message': 'must be a valid email address'`.
 */

const ACRONYMS: Record<string, string> = { id: 'ID', url: 'URL' };

/** `firstResponseMinutes`, `if-match` or `access_token` as words: "First response minutes". */
export function labelOfName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((word) => word !== '')
    .map((word) => ACRONYMS[word.toLowerCase()] ?? word.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Ajv's `/conditions/statuses/0` as `conditions.statuses[0]`. */
function segmentsOf(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isIndex = (segment: string) => /^\d+$/.test(segment);

export function pathOf(segments: readonly string[]): string {
  return segments.reduce((path, segment) => {
    if (isIndex(segment)) return `${path}[${segment}]`;
    return path === '' ? segment : `${path}.${segment}`;
  }, '');
}

/** "Statuses item 2" for `statuses[1]`, "Password" for `password`, the part's label for the root. */
function labelOf(segments: readonly string[], schema: AnySchemaObject | undefined, part: string): string {
  if (typeof schema?.title === 'string') return schema.title;
  const nameAt = segments.findLastIndex((segment) => !isIndex(segment));
  const name = segments[nameAt];
  if (name === undefined) return part;
  const items = segments.slice(nameAt + 1).map((index) => `item ${Number(index) + 1}`);
  return [labelOfName(name), ...items].join(' ');
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

const FORMAT_NAMES: Record<string, string> = {
  uuid: 'a valid ID',
  'date-time': 'a date and time (ISO 8601)',
  date: 'a date (YYYY-MM-DD)',
  email: 'a valid email address',
};

const listed = (values: readonly unknown[]) => values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');

/** The values a union of constants allows (TypeBox writes a union of literals as `anyOf` of `const`). */
function constantsOf(branches: unknown): unknown[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const values = branches.map((branch: { const?: unknown; type?: unknown }) => (branch.type === 'null' ? null : branch.const));
  return values.every((value) => value !== undefined) ? values : undefined;
}

/** What is wrong, after the field's label. */
function predicate(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      return `must be ${types.map((type) => TYPE_NAMES[type] ?? type).join(' or ')}`;
    }
    case 'minLength':
      return limit === 1 ? 'is required' : `must be at least ${plural(limit, 'character', 'characters')}`;
    case 'maxLength':
      return `must be at most ${plural(limit, 'character', 'characters')}`;
    case 'pattern': {
      const meaning: unknown = error.parentSchema?.['x-pattern-message'];
      return typeof meaning === 'string' ? meaning : 'is not in the expected format';
    }
    case 'format':
      return `must be ${FORMAT_NAMES[String(params.format)] ?? `a valid ${String(params.format)}`}`;
    case 'minimum':
      return `must be at least ${limit}`;
    case 'maximum':
      return `must be at most ${limit}`;
    case 'exclusiveMinimum':
      return `must be more than ${limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${limit}`;
    case 'minItems':
      return `must have at least ${plural(limit, 'item', 'items')}`;
    case 'maxItems':
      return `must have at most ${plural(limit, 'item', 'items')}`;
    case 'uniqueItems':
      return 'must not list the same item twice';
    case 'minProperties':
      return `must have at least ${plural(limit, 'field', 'fields')}`;
    case 'maxProperties':
      return `must have at most ${plural(limit, 'field', 'fields')}`;
    case 'const':
      return `must be ${listed([params.allowedValue])}`;
    case 'enum':
      return `must be one of ${listed((params.allowedValues as unknown[] | undefined) ?? [])}`;
    case 'anyOf': {
      const constants = constantsOf(error.schema);
      return constants ? `must be one of ${listed(constants)}` : 'is not valid';
    }
    default:
      return 'is not valid';
  }
}

/**
 * A union with null (`Nullable(Uuid)`) failed: its only other branch says best what was
 * wrong, so that branch's own error is described instead of "is not valid".
 */
function decisive(error: ErrorObject, errors: readonly ErrorObject[]): ErrorObject {
  if (error.keyword !== 'anyOf' || !Array.isArray(error.schema)) return error;
  const branches = error.schema as { type?: unknown }[];
  const others = branches.map((branch, index) => ({ branch, index })).filter(({ branch }) => branch.type !== 'null');
  const [only] = others;
  if (others.length !== 1 || !only) return error;
  const prefix = `${error.schemaPath}/${only.index}/`;
  const inBranch = errors.filter((candidate) => candidate.schemaPath.startsWith(prefix));
  return inBranch.at(-1) ?? error;
}

/**
 * The problem an Ajv run stopped at (Ajv without `allErrors` stops at the first failing
 * keyword; the errors before it are the branches of a failed union), with `prefix` (the
 * field the run was given) put in front of Ajv's path.
 */
export function describeFailure(errors: readonly ErrorObject[], prefix: readonly string[], part: string): FieldProblem {
  const last = errors.at(-1);
  if (!last) return { path: pathOf(prefix), message: `${part} is not valid` };
  const error = decisive(last, errors);
  const segments = [...prefix, ...segmentsOf(error.instancePath)];
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return missingField([...segments, String(params.missingProperty)], error.parentSchema);
  if (error.keyword === 'additionalProperties') return unknownField([...segments, String(params.additionalProperty)]);
  return { path: pathOf(segments), message: `${labelOf(segments, error.parentSchema, part)} ${predicate(error)}` };
}

/** A required field left out; `parent` is the object schema that requires it. */
export function missingField(segments: readonly string[], parent: AnySchemaObject | undefined): FieldProblem {
  const name = segments.at(-1) ?? '';
  const schema = (parent?.properties as Record<string, AnySchemaObject> | undefined)?.[name];
  return { path: pathOf(segments), message: `${labelOf(segments, schema, name)} is required` };
}

/** Longer names of unknown fields are cut: a 1 MiB key is not worth sending back twice. */
const MAX_ECHOED_NAME = 64;

/** A field the schema does not have; its name (the client's own) is echoed, cut to a sane length. */
export function unknownField(segments: readonly string[]): FieldProblem {
  const name = segments.at(-1) ?? '';
  const shown = name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name;
  const path = pathOf([...segments.slice(0, -1), shown]);
  return { path, message: `Unknown field ${path}` };
}
