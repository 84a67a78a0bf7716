import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// ajv-formats ships CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const shared: Options = {
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  strict: false,
  // TypeBox schemas carry $ids; many routes reuse them, so compiled schemas are not registered.
  addUsedSchema: false,
};

/**
 * Query strings, params and headers arrive as text and are coerced to the schema's types;
 * JSON bodies are not: `{"subject": 123}` is a 400, never a silently stringified subject.
 */
export function installValidation(app: FastifyInstance): void {
  const body = addFormats(new Ajv({ ...shared, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema));
}
