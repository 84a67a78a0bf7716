import { expect } from 'vitest';
import type { TestApp } from '../test/app.js';

/** The JSON Schema subset Fastify's OpenAPI output uses for parameters and bodies. */
export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  $ref?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

/** One route of the OpenAPI document, as a client sees it. */
export interface Operation {
  method: HttpMethod;
  /** OpenAPI form, e.g. `/api/tickets/{id}`. */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  headers: Parameter[];
  body: JsonSchema | undefined;
  /** Reachable without a token (`security: []`, or outside /api). */
  public: boolean;
  /** Answers 200 with `text/event-stream`: it never ends by itself. */
  stream: boolean;
}

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export const operationName = (operation: Pick<Operation, 'method' | 'path'>): string => `${operation.method} ${operation.path}`;

/** Replaces `$ref`s by the schema they name, so generators see plain schemas. */
export function resolveRefs(schema: JsonSchema, document: OpenApiDocument): JsonSchema {
  const seen = new Set<string>();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const name = ref.split('/').at(-1) ?? '';
      const target = document.components?.schemas?.[name];
      if (!target || seen.has(name)) return {};
      seen.add(name);
      const resolved = visit(target);
      seen.delete(name);
      return resolved;
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, visit(value)]));
  };
  return visit(schema) as JsonSchema;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [lower, spec] of Object.entries(methods)) {
      const method = lower.toUpperCase() as HttpMethod;
      if (!METHODS.includes(method)) continue;
      const parameters = (spec.parameters ?? []).map((p) => ({
        in: p.in,
        parameter: { name: p.name, required: p.required ?? false, schema: resolveRefs(p.schema, document) },
      }));
      const of = (where: string) => parameters.filter((p) => p.in === where).map((p) => p.parameter);
      const bodySchema = spec.requestBody?.content?.['application/json']?.schema;
      operations.push({
        method,
        path,
        pathParams: of('path'),
        query: of('query'),
        headers: of('header'),
        body: bodySchema ? resolveRefs(bodySchema, document) : undefined,
        public: !path.startsWith('/api/') || (Array.isArray(spec.security) && spec.security.length === 0),
        stream: Boolean(spec.responses?.['200']?.content?.['text/event-stream']),
      });
    }
  }
  return operations;
}

/** The server's own OpenAPI document: the list of routes every sweep covers. */
export async function loadOperations(t: TestApp): Promise<Operation[]> {
  const response = await t.request({ method: 'GET', url: '/api/openapi.json' });
  expect(response.statusCode).toBe(200);
  return operationsOf(response.json<OpenApiDocument>());
}
