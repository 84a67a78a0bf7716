import { Ajv, type AnySchemaObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { compiledSchemas } from './compile-cache.js';
import { DomainError, type FieldProblem } from './errors.js';
import { describeFailure, missingField, unknownField } from './validation-messages.js';

// ajv-formats ships CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const shared: Options = {
  removeAdditional: false,
  useDefaults: true,
  // Ajv stops at the first error: with allErrors, a 1 MiB array of bad items would make an
  // error object per item. A refused request is explained field by field instead (explain).
  allErrors: false,
  // Errors carry their schema, whose title and x-pattern-message the messages use.
  verbose: true,
  strict: false,
  // TypeBox schemas carry $ids; many routes reuse them, so compiled schemas are not registered.
  addUsedSchema: false,
};

/** Enough to fix a form; a body with thousands of unknown fields is not answered field by field. */
const MAX_DETAILS = 20;

const PART_LABELS: Record<string, string> = {
  body: 'The request body',
  querystring: 'The query string',
  params: 'The URL',
  headers: 'The headers',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every field's problem, not only the first. Ajv stopped at the first, so each field of a
 * refused object is checked again on its own (nested objects field by field), and missing
 * and unknown fields are listed; anything else is described by the problem Ajv stopped
 * at. Only a refused request pays for this. A field is checked in its parent's context,
 * so a query value is coerced as in the first run.
 */
function explain(
  ajv: Ajv,
  part: string,
  schema: AnySchemaObject,
  refused: ValidateFunction,
  data: unknown,
  segments: string[],
  problems: FieldProblem[],
): void {
  const errors = refused.errors ?? [];
  const properties = isRecord(schema.properties) ? (schema.properties as Record<string, AnySchemaObject>) : undefined;
  const before = problems.length;
  if (properties && isRecord(data)) {
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    for (const [name, fieldSchema] of Object.entries(properties)) {
      if (problems.length >= MAX_DETAILS) return;
      if (!Object.hasOwn(data, name)) {
        if (required.includes(name)) problems.push(missingField([...segments, name], schema));
        continue;
      }
      const validate = ajv.compile(fieldSchema);
      const context = { instancePath: '', parentData: data, parentDataProperty: name, rootData: data, dynamicAnchors: {} };
      if (!validate(data[name], context)) explain(ajv, part, fieldSchema, validate, data[name], [...segments, name], problems);
    }
    if (schema.additionalProperties === false) {
      for (const name of Object.keys(data)) {
        if (problems.length >= MAX_DETAILS) return;
        if (!Object.hasOwn(properties, name)) problems.push(unknownField([...segments, name]));
      }
    }
  }
  // Not an object, or each field is sound but the whole is not (too few fields, say).
  if (problems.length === before) problems.push(describeFailure(errors, segments, part));
}

/** One Ajv per way of reading input, for the whole process, so that its compiled schemas are kept. */
const body = addFormats(new Ajv({ ...shared, coerceTypes: false }));
const text = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
const compiledValidators = compiledSchemas<ValidateFunction>();

function compile(ajv: Ajv, schema: AnySchemaObject, httpPart: string) {
  // Compiled at the route's first request, not at start: compiling every route's schemas was a
  // tenth of a start's CPU, for routes a process may never serve.
  let validate: ValidateFunction | undefined;
  const part = PART_LABELS[httpPart] ?? 'The request';
  return (data: unknown) => {
    validate ??= compiledValidators(schema, ajv === body ? 'body' : 'text', () => ajv.compile(schema));
    if (validate(data)) return true;
    const details: FieldProblem[] = [];
    explain(ajv, part, schema, validate, data, [], details);
    const message = details[0]?.message ?? `${part} is not valid`;
    return { error: new DomainError('invalid', 'invalid_input', message, details) };
  };
}

/**
 * Query strings, params and headers arrive as text and are coerced to the schema's types;
 * JSON bodies are not: `{"subject": 123}` is a 400, never a silently stringified subject.
 * A refused request is answered `invalid_input` with one detail per field.
 */
export function installValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => compile(httpPart === 'body' ? body : text, schema, httpPart ?? ''));
}
