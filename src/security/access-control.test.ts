import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../authz/permissions.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase, postgresAvailable, type DatabaseKind } from '../test/databases.js';
import { ACCESS_CASES, methodOf, type AccessCase, type Scene } from './access-model.js';
import { expectSaneAnswer } from './answers.js';
import { readPermissions, restorePermissions, seedDesk } from './desk.js';
import { loadOperations, operationName, type Operation } from './openapi.js';
import { inject, overSocket, type Answer } from './send.js';
import { openSse, type SseEvent, type SseStream } from './sse-client.js';
import { badTokens } from './tokens.js';
import { openWriteJournal, type WriteJournal } from './write-journal.js';

/**
 * The access-control sweep: every route, as every role, against API.md's rules as
 * written down in access-model.ts — under the default permission table and under tables
 * generated at random — plus every kind of bad token on every authenticated route, mass
 * assignment on every body, and the live stream's horizontal isolation.
 */

/**
 * Random permission tables per database: three in all with a PostgreSQL server, most of them
 * there (a sweep costs PGlite twice the time), two on PGlite alone.
 */
const generatedTables = (kind: DatabaseKind): number => Number(process.env.ACCESS_RUNS) || (kind === 'pglite' && postgresAvailable() ? 1 : 2);

/** Fields no body may carry unless its schema lists them. */
const FORBIDDEN_FIELDS: Record<string, unknown> = {
  id: '00000000-0000-4000-8000-000000000000',
  role: 'manager',
  requesterId: '00000000-0000-4000-8000-000000000000',
  assigneeId: '00000000-0000-4000-8000-000000000000',
  authorId: '00000000-0000-4000-8000-000000000000',
  createdAt: '2000-01-01T00:00:00.000Z',
  updatedAt: '2000-01-01T00:00:00.000Z',
  number: 1,
  version: 99,
  active: true,
  permissions: ['users.manage'],
  passwordHash: '$argon2id$forged',
  status: 'closed',
  internal: true,
};

/** Valid bodies of the public routes (the model covers the authenticated ones). */
const PUBLIC_BODIES: Record<string, unknown> = {
  'POST /api/auth/register': { email: 'mass@example.test', name: 'Mass', password: 'long enough' },
  'POST /api/auth/login': { email: 'mass@example.test', password: 'long enough' },
  'POST /api/auth/refresh': { refreshToken: 'x'.repeat(40) },
  'POST /api/auth/password/forgot': { email: 'mass@example.test' },
  'POST /api/auth/password/reset': { token: 'x'.repeat(40), password: 'long enough' },
  'POST /api/auth/email/verify': { token: 'x'.repeat(40) },
  'POST /api/satisfaction': { token: 'x'.repeat(40), rating: 'good' },
};

describeEachDatabase('access control sweep', (kind) => {
  let t: TestApp;
  let baseUrl: string;
  let operations: Operation[];
  let defaultPermissions: { role: string; permission: string }[];
  let journal: WriteJournal;

  beforeAll(async () => {
    t = await createTestApp(kind);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    operations = await loadOperations(t);
    defaultPermissions = await readPermissions(t);
    journal = await openWriteJournal(t.database.db);
  });
  afterAll(async () => {
    // The app first, with whatever it still had running: dropping the journal locks every
    // table, and a statement still reading some of them deadlocked with it.
    await t.app.close();
    await journal.close();
    await t.database.close();
  });
  beforeEach(() => restorePermissions(t, defaultPermissions));

  const send = (method: AccessCase['operation'], url: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const request = {
      method: method as Operation['method'],
      url,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      payload: body === undefined ? undefined : { json: body },
    };
    return url.startsWith('/api/stream') ? overSocket(baseUrl, request, token) : inject(t, request, token);
  };

  async function currentPermissions(scene: Pick<Scene, 'desk'>): Promise<Record<Role, ReadonlySet<Permission>>> {
    const response = await t.request({ method: 'GET', url: '/api/roles', token: scene.desk.manager.accessToken });
    expect(response.statusCode).toBe(200);
    const rows = response.json<{ role: Role; permissions: Permission[] }[]>();
    const of = (role: Role): ReadonlySet<Permission> => new Set(rows.find((row) => row.role === role)?.permissions ?? []);
    return { customer: of('customer'), agent: of('agent'), manager: of('manager') };
  }

  /** Asks every modelled case as every role; returns the answers that differ from API.md. */
  async function sweep(table?: Partial<Record<Role, Permission[]>>): Promise<string[]> {
    const desk = await seedDesk(t);
    for (const [role, permissions] of Object.entries(table ?? {})) {
      const response = await t.request({ method: 'PUT', url: `/api/roles/${role}`, token: desk.manager.accessToken, body: { permissions } });
      expect(response.statusCode, response.body).toBe(200);
    }
    const scene: Scene = { t, desk, permissions: await currentPermissions({ desk }) };
    const mismatches: string[] = [];
    for (const accessCase of ACCESS_CASES) {
      for (const role of ROLES) {
        const may = (permission: Permission) => scene.permissions[role].has(permission);
        const expected = accessCase.expected(may, role);
        if (expected === undefined) continue;
        const caller = desk[role];
        const request = await accessCase.request(scene, caller, role);
        const answer = request.form
          ? await inject(t, { method: 'POST', url: request.url, headers: { 'content-type': request.form.contentType }, payload: { raw: request.form.payload } }, caller.accessToken)
          : await send(methodOf(accessCase), request.url, caller.accessToken, request.body);
        const label = `${role} ${accessCase.operation} (${accessCase.what}) with [${[...scene.permissions[role]].join(', ')}]`;
        expectSaneAnswer(answer, label);
        if (answer.status !== expected) {
          mismatches.push(`${label} → ${answer.status}, API.md says ${expected}: ${answer.body.slice(0, 200)}`);
          continue;
        }
        for (const hidden of request.hidden ?? []) expect(answer.body, `${label} shows ${hidden}`).not.toContain(hidden);
        if (answer.status === 200 && accessCase.shows && answer.contentType.startsWith('application/json')) {
          accessCase.shows(JSON.parse(answer.body), scene, caller, may);
        }
      }
      await accessCase.afterwards?.(scene);
    }
    return mismatches;
  }

  it('models every authenticated route of the OpenAPI document', () => {
    const modelled = new Set(ACCESS_CASES.map((accessCase) => accessCase.operation));
    const unmodelled = operations.filter((operation) => !operation.public).map(operationName).filter((name) => !modelled.has(name));
    expect(unmodelled, 'routes without an access rule in access-model.ts').toEqual([]);
    const unknown = [...modelled].filter((name) => !operations.some((operation) => operationName(operation) === name));
    expect(unknown, 'modelled routes the server does not have').toEqual([]);
  });

  it('answers every route as API.md says, for every role, under the default permissions', { timeout: 240_000 }, async () => {
    expect(await sweep()).toEqual([]);
  });

  it('follows the permission table whatever managers make of it', { timeout: 600_000 }, async () => {
    const table = fc.record({ customer: fc.subarray([...PERMISSIONS]), agent: fc.subarray([...PERMISSIONS]) });
    await fc.assert(
      fc.asyncProperty(table, async (permissions) => {
        await restorePermissions(t, defaultPermissions);
        expect(await sweep(permissions)).toEqual([]);
      }),
      { numRuns: generatedTables(kind), endOnFailure: true },
    );
  });

  it('answers 401 on every authenticated route to every bad token, and writes nothing', { timeout: 240_000 }, async () => {
    const desk = await seedDesk(t);
    const tokens = await badTokens(t, desk);
    const authenticated = operations.filter((operation) => !operation.public);
    await journal.take();
    const failures: string[] = [];
    for (const operation of authenticated) {
      const url = concreteUrl(operation, desk.ownTicket.id);
      // Authentication comes first: the body does not matter, but send one the route could accept.
      const body = operation.body ? {} : undefined;
      for (const [name, token] of Object.entries(tokens)) {
        const answers = [await send(operation.method, url, undefined, body, token === undefined ? {} : { authorization: token })];
        // EventSource sends the token in the URL; anywhere else that is no token at all.
        const raw = token?.replace(/^Bearer /, '');
        if (raw) answers.push(await send(operation.method, `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(raw)}`, undefined, body));
        for (const answer of answers) {
          expectSaneAnswer(answer, `${name} ${operationName(operation)}`);
          if (answer.status !== 401) failures.push(`${name} token on ${operationName(operation)} → ${answer.status} ${answer.body.slice(0, 200)}`);
        }
      }
      // A real token in the query string is honoured by the stream only.
      if (!operation.stream && operation.method === 'GET') {
        const answer = await send('GET', `${url}${url.includes('?') ? '&' : '?'}access_token=${desk.manager.accessToken}`, undefined);
        if (answer.status !== 401) failures.push(`access_token query on ${operationName(operation)} → ${answer.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await journal.take()).toEqual([]);
  });

  it('refuses fields a client may not set (400) on every route with a body, and writes nothing', { timeout: 240_000 }, async () => {
    const desk = await seedDesk(t);
    const scene: Scene = { t, desk, permissions: await currentPermissions({ desk }) };
    const failures: string[] = [];
    for (const operation of operations.filter((candidate) => candidate.body?.type === 'object')) {
      const name = operationName(operation);
      const allowed = new Set(Object.keys(operation.body?.properties ?? {}));
      // The first modelled request the manager may make, or a public route's own body.
      const accessCase = ACCESS_CASES.find((candidate) => candidate.operation === name && (candidate.expected(() => true, 'manager') ?? 500) < 300);
      if (!accessCase && !(name in PUBLIC_BODIES)) {
        failures.push(`no valid request known for ${name}`);
        continue;
      }
      for (const [field, value] of Object.entries(FORBIDDEN_FIELDS).filter(([field]) => !allowed.has(field))) {
        const request = accessCase ? await accessCase.request(scene, desk.manager, 'manager') : { url: operation.path, body: PUBLIC_BODIES[name] };
        await journal.take();
        const answer = await send(operation.method, request.url, operation.public ? undefined : desk.manager.accessToken, { ...(request.body as object), [field]: value });
        expectSaneAnswer(answer, `${name} + ${field}`);
        if (answer.status !== 400) failures.push(`${name} with ${field} → ${answer.status} ${answer.body.slice(0, 200)}`);
        const written = await journal.take();
        if (written.length > 0) failures.push(`${name} with ${field} wrote to ${written.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("never streams another customer's tickets or any internal note, live or replayed", { timeout: 120_000 }, async () => {
    const desk = await seedDesk(t);
    const streamUrl = `${baseUrl}/api/stream?access_token=${desk.customer.accessToken}`;
    const live = await openSse(streamUrl);
    expect(live.status).toBe(200);
    const post = async (token: string, method: 'POST' | 'PATCH', url: string, body: unknown) => {
      const response = await t.request({ method, url, token, body });
      expect(response.statusCode, response.body).toBeLessThan(300);
      return response.json<{ id: string }>();
    };
    try {
      const ticket = await post(desk.manager.accessToken, 'POST', '/api/tickets', { subject: 'Other secret', description: 'x', requesterId: desk.otherCustomer.user.id });
      await post(desk.agent.accessToken, 'POST', `/api/tickets/${ticket.id}/messages`, { body: 'Reply to the other customer' });
      await post(desk.otherCustomer.accessToken, 'POST', `/api/tickets/${desk.othersTicket.id}/messages`, { body: 'Other customer writes' });
      await post(desk.manager.accessToken, 'PATCH', `/api/tickets/${desk.othersTicket.id}`, { priority: 'urgent' });
      await post(desk.agent.accessToken, 'POST', `/api/tickets/${desk.ownTicket.id}/messages`, { body: 'Zebra internal remark', internal: true });
      // The sentinel: events arrive in id order, so once it is here everything before it was decided.
      await post(desk.agent.accessToken, 'POST', `/api/tickets/${desk.ownTicket.id}/messages`, { body: 'Sentinel public reply' });
      const isSentinel = (event: SseEvent) => event.event === 'ticket.message' && event.data.includes('Sentinel public reply');
      await live.waitFor(isSentinel);
      expectOnlyOwn(live, desk.ownTicket.id, desk.otherCustomer.user.id);

      const replay = await openSse(streamUrl, { 'last-event-id': '0' });
      try {
        await replay.waitFor(isSentinel);
        expectOnlyOwn(replay, desk.ownTicket.id, desk.otherCustomer.user.id);
        expect(replay.events.some((event) => event.event === 'ticket.created'), 'the replay starts at the beginning').toBe(true);
      } finally {
        replay.close();
      }
    } finally {
      live.close();
    }
  });
});

function expectOnlyOwn(stream: SseStream, ownTicketId: string, otherCustomerId: string): void {
  for (const event of stream.events) {
    const data = JSON.parse(event.data) as { ticketId?: unknown };
    expect(data.ticketId, `${event.event ?? ''} ${event.data}`).toBe(ownTicketId);
    expect(event.data).not.toContain('internal remark');
    expect(event.data).not.toContain('"internal":true');
    expect(event.data).not.toContain(otherCustomerId);
  }
}

/** A URL that reaches the route's handler: real ids and valid path values. */
function concreteUrl(operation: Operation, ticketId: string): string {
  return operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const schema = operation.pathParams.find((parameter) => parameter.name === name)?.schema ?? {};
    const first = schema.anyOf?.[0]?.enum?.[0] ?? schema.enum?.[0];
    if (typeof first === 'string') return first;
    if (schema.pattern?.includes('[0-9]')) return '1';
    return ticketId;
  });
}

