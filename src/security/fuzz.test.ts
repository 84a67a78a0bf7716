import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { describeEachDatabase, type DatabaseKind } from '../test/databases.js';
import { requestFor, summarize, type GeneratedRequest } from './arbitraries.js';
import { expectSaneAnswer } from './answers.js';
import { CALLERS, idPools, readPermissions, restorePermissions, seedDesk, tokenOf, type SecurityDesk } from './desk.js';
import { loadOperations, operationName, type Operation } from './openapi.js';
import { inject, overSocket, type Answer } from './send.js';
import { openWriteJournal, type WriteJournal } from './write-journal.js';

/**
 * Property-based fuzzing of every route the OpenAPI document lists, as every kind of
 * caller: no 5xx, errors in API.md's shape, and a refused request writes nothing.
 *
 * Each route has a fixed seed (from its name), so a run is repeatable and CI does not
 * flicker; FUZZ_SEED=random (or a number) and FUZZ_RUNS=200 make a longer, fresh hunt.
 * A failure prints its seed and the request.
 */

/** What a desk's callers and tickets are made of: a write to one of these makes the next route seed afresh. */
const DESK_TABLES = ['users', 'sessions', 'refresh_tokens', 'role_permissions', 'tickets', 'ticket_messages'];

const runsPerCaller = (kind: DatabaseKind): number => Number(process.env.FUZZ_RUNS) || (kind === 'pglite' ? 6 : 3);

function seedFor(name: string): number | undefined {
  const chosen = process.env.FUZZ_SEED;
  if (chosen === 'random') return undefined;
  if (chosen && Number.isInteger(Number(chosen))) return Number(chosen);
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

// The route list comes from the server itself, so a new route is fuzzed without touching this file.
const operations: Operation[] = await (async () => {
  const t = await createTestApp('pglite');
  try {
    return await loadOperations(t);
  } finally {
    await t.close();
  }
})();


describeEachDatabase('fuzzing every route', (kind) => {
  let t: TestApp;
  let baseUrl: string;
  let defaultPermissions: { role: string; permission: string }[];
  let journal: WriteJournal;

  beforeAll(async () => {
    t = await createTestApp(kind);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
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
  // A sweep may legitimately edit the permission table: each route starts with the default one.
  beforeEach(() => restorePermissions(t, defaultPermissions));

  it('finds routes to fuzz', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.map(operationName)).toContain('POST /api/tickets');
  });

  // Fastify answers these before any route runs; `frameworkErrors` (src/http/error-handler.ts)
  // keeps them in the error shape.
  it('answers malformed URLs and over-long path ids in the error shape', async () => {
    const token = (await seedDesk(t)).manager.accessToken;
    for (const operation of operations.filter((candidate) => candidate.pathParams.length > 0)) {
      for (const segment of ['%', '%zz', '%E0%A4%A', 'a'.repeat(101)]) {
        const url = operation.path.replace(/\{\w+\}/g, segment);
        const answer = await inject(t, { method: operation.method, url, headers: {}, payload: undefined }, token);
        expectSaneAnswer(answer, `${operation.method} ${url.slice(0, 80)}`);
      }
    }
  });

  // Seeding is most of a route's time, so routes share a desk until one writes to what the
  // callers stand on: their accounts and sessions, or the tickets they act on.
  let desk: SecurityDesk | undefined;
  const writtenSinceSeeding = new Set<string>();
  const deskChanged = (): boolean => DESK_TABLES.some((table) => writtenSinceSeeding.has(table));

  for (const operation of operations) {
    it(`survives anything sent to ${operationName(operation)}`, { timeout: 180_000 }, async () => {
      if (!desk || deskChanged()) {
        desk = await seedDesk(t);
        writtenSinceSeeding.clear();
      }
      const callers = desk;
      const pools = await idPools(t);
      await journal.take();
      const send = (request: GeneratedRequest, token: string | undefined): Promise<Answer> =>
        operation.stream ? overSocket(baseUrl, request, token) : inject(t, request, token);

      for (const caller of CALLERS) {
        await fc.assert(
          fc.asyncProperty(requestFor(operation, pools), async (request) => {
            const context = `${caller} ${summarize(request)}`;
            const answer = await send(request, tokenOf(callers, caller));
            expectSaneAnswer(answer, context);
            const written = await journal.take();
            for (const table of written) writtenSinceSeeding.add(table);
            if (answer.status >= 400) expect(written, `${context} → ${answer.status} wrote to`).toEqual([]);
          }),
          { numRuns: runsPerCaller(kind), endOnFailure: true, seed: seedFor(`${caller} ${operationName(operation)}`) },
        );
      }
    });
  }
});
