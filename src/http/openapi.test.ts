import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';

const ERROR_REF = '#/components/schemas/ErrorResponse';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const PUBLIC = [
  'GET /health',
  'GET /ready',
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/password/forgot',
  'POST /api/auth/password/reset',
  'POST /api/auth/email/verify',
  // The mailed satisfaction link: its signed token is the credential.
  'GET /api/satisfaction',
  'POST /api/satisfaction',
  // A mail provider's push, authenticated by its mailbox's secret instead of a user's token.
  'POST /api/inbound/email',
];
/** Every state-changing API route spends a request budget, and so do search and reports (src/rate-limits). */
const rateLimited = (name: string) =>
  /^(POST|PUT|PATCH|DELETE) \/api\//.test(name) || name === 'GET /api/tickets' || name.startsWith('GET /api/reports/');

interface Entry {
  name: string;
  operation: OpenAPIV3.OperationObject;
}

const responseOf = (entry: Entry, status: string) => entry.operation.responses[status] as OpenAPIV3.ResponseObject | undefined;
const schemaOf = (response: OpenAPIV3.ResponseObject | undefined) => response?.content?.['application/json']?.schema;

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIV3.Document;
  let entries: Entry[];
  beforeAll(async () => {
    t = await createTestApp('pglite');
    document = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json<OpenAPIV3.Document>();
    entries = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) => {
        const operation = item?.[method];
        return operation ? [{ name: `${method.toUpperCase()} ${path}`, operation }] : [];
      }),
    );
  });
  afterAll(() => t.close());

  it('names every operation once, in camelCase, so generated clients have stable names', () => {
    const ids = entries.map((entry) => entry.operation.operationId);
    for (const [index, id] of ids.entries()) expect(id, entries[index]?.name).toMatch(/^[a-z][a-zA-Z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.fromEntries(entries.map((entry) => [entry.name, entry.operation.operationId]))).toMatchObject({
      'POST /api/tickets': 'createTicket',
      'GET /api/tickets': 'listTickets',
      'GET /api/tickets/{id}': 'getTicket',
      'PATCH /api/tickets/{id}': 'updateTicket',
      'GET /api/tickets/{id}/messages': 'listTicketMessages',
      'POST /api/auth/login': 'login',
      'POST /api/auth/refresh': 'refreshSession',
    });
  });

  it('declares its server, relative to wherever it is served', () => {
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('asks for no token on the probes and the public auth routes, and for one everywhere else', () => {
    const open = entries.filter((entry) => entry.operation.security?.length === 0).map((entry) => entry.name);
    expect(open.sort()).toEqual([...PUBLIC].sort());
    expect(document.security).toEqual([{ bearer: [] }]);
  });

  it('answers every error with the one shared component, validation details included', () => {
    const error = document.components?.schemas?.ErrorResponse as OpenAPIV3.SchemaObject;
    const body = error.properties?.error as OpenAPIV3.SchemaObject;
    expect(Object.keys(body.properties ?? {})).toEqual(['code', 'message', 'details']);
    for (const entry of entries) {
      for (const [status, response] of Object.entries(entry.operation.responses)) {
        if (Number(status) < 400 || entry.name === 'GET /ready') continue;
        expect(schemaOf(response as OpenAPIV3.ResponseObject), `${entry.name} ${status}`).toEqual({ $ref: ERROR_REF });
      }
    }
  });

  it('declares the statuses the server answers outside the handlers', () => {
    for (const entry of entries) {
      expect(responseOf(entry, '431'), entry.name).toBeDefined();
      if (!entry.name.includes(' /api/')) continue;
      expect(responseOf(entry, '503')?.headers, entry.name).toHaveProperty('Retry-After');
      const takesBody = entry.operation.requestBody !== undefined;
      expect([responseOf(entry, '413') !== undefined, responseOf(entry, '415') !== undefined], entry.name).toEqual([takesBody, takesBody]);
      const limited = responseOf(entry, '429');
      expect(limited !== undefined, entry.name).toBe(rateLimited(entry.name));
      if (limited) expect(limited.headers, entry.name).toHaveProperty('Retry-After');
    }
  });
});
