import { SerializerSelector, type SerializerCompiler } from '@fastify/fast-json-stringify-compiler';
import { compiledSchemas, type CompiledSchemas } from './compile-cache.js';

type SerializerFactory = (externalSchemas?: unknown, options?: object) => SerializerCompiler;

const buildDefault = SerializerSelector() as SerializerFactory;
/** By the shared schemas and options a serializer was compiled with (the same in every build). */
const compiled = new Map<string, CompiledSchemas<ReturnType<SerializerCompiler>>>();

/** Fastify's own serializer compiler, compiling each response schema once per process. */
export const cachedSerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = buildDefault(externalSchemas, options);
  const key = JSON.stringify([externalSchemas, options]);
  let serializers = compiled.get(key);
  if (!serializers) compiled.set(key, (serializers = compiledSchemas()));
  const cache = serializers;
  return (route) => {
    const schema = route.schema;
    if (typeof schema !== 'object' || schema === null) return compile(route);
    // Built at the first answer of its kind, not at start, as validators are (validation.ts).
    let serialize: ReturnType<SerializerCompiler> | undefined;
    return (data) => (serialize ??= cache(schema, '', () => compile(route)))(data);
  };
};
