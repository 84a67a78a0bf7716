import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { describe, inject } from 'vitest';
import { DEFAULT_POOL_SIZE, openPglite, postgresDatabase, postgresPool } from '../db/database.js';
import type { Database } from '../db/database.js';
import { emptyToMigratedState, keepMigratedState } from './database-reset.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** Set by global-setup: a migrated PostgreSQL database every test database is copied from. */
const templateName = (): string | undefined => inject('postgresTemplate');
const serverUrl = (): string | undefined => process.env.TEST_DATABASE_URL;

export const postgresAvailable = (): boolean => Boolean(serverUrl() && templateName());

let pgliteImage: Promise<Blob> | undefined;

/** The migrated image global-setup wrote; loading it is much faster than migrating. */
export function migratedPgliteImage(): Promise<Blob> {
  pgliteImage ??= readFile(inject('pgliteImage')).then((bytes) => new Blob([bytes]));
  return pgliteImage;
}

export interface TestDatabase extends Database {
  /** A connection string for other processes, on PostgreSQL only. */
  url: string | undefined;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * A migrated database a test used and gave back. Opening one costs seconds (a PGlite
 * image, a database copied from a template); emptying one costs milliseconds, so a test
 * file lends the same few out again, emptied back to the migrated state. On PostgreSQL the
 * lease keeps its pool too: a new server process pays 50–80 ms loading the catalog before
 * its first statement, more than most tests' own work.
 */
type Lease = ({ kind: 'pglite'; client: PGlite } | { kind: 'postgres'; url: string; pool: pg.Pool }) & { sizes?: Map<string, number> };
const idle: Lease[] = [];

/**
 * What the planner knows of each table's size (`reltuples`, which ANALYZE and VACUUM write and
 * emptying does not undo). A test that analysed its tickets would leave the next test's plans
 * made for them: a named statement then kept planning for each value (seen as a test failing
 * only after another file's analysis in the same worker). A lease whose migrated tables' sizes
 * moved is not lent again.
 */
const SIZES = `select c.relname as name, c.reltuples as size from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = current_schema() and c.relkind = 'r'`;

async function sizesOf(lease: Lease): Promise<Map<string, number>> {
  type Row = { name: string; size: number };
  const rows = lease.kind === 'pglite' ? (await lease.client.query<Row>(SIZES)).rows : (await lease.pool.query<Row>(SIZES)).rows;
  return new Map(rows.map((row) => [row.name, row.size]));
}

async function statisticsMoved(lease: Lease): Promise<boolean> {
  const now = await sizesOf(lease);
  return [...(lease.sizes ?? [])].some(([name, size]) => now.get(name) !== size);
}

async function discard(lease: Lease): Promise<void> {
  if (lease.kind === 'pglite') await lease.client.close();
  else await lease.pool.end();
}

/** Named after the run's template, so that global-setup drops the run's databases and no other run's. */
const testDatabaseName = (template: string): string => `${template}_${randomBytes(6).toString('hex')}`;

async function openLease(kind: DatabaseKind): Promise<Lease> {
  if (kind === 'pglite') return { kind, client: new PGlite({ loadDataDir: await migratedPgliteImage() }) };
  const admin = serverUrl();
  const template = templateName();
  if (!admin || !template) throw new Error('TEST_DATABASE_URL is not set');
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  const name = testDatabaseName(template);
  await adminClient.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await adminClient.end();
  const url = withDatabaseName(admin, name);
  return { kind, url, pool: postgresPool(url) };
}

/**
 * `target` until `released()`, then an object whose every call fails as a closed client's
 * would: work a finished test left running must not write into the next test's database.
 * `own` replaces some members (a pool's `end`, which gives it back instead).
 */
function untilReleased<T extends object>(target: T, released: () => boolean, own: Record<string, unknown> = {}): T {
  return new Proxy(target, {
    get(original, key) {
      if (typeof key === 'string' && key in own) return own[key];
      const value: unknown = Reflect.get(original, key, original);
      if (typeof value !== 'function') return key === 'closed' && released() ? true : value;
      return (...args: unknown[]) => {
        if (released()) return Promise.reject(new Error('the test database was closed'));
        return (value as (...args: unknown[]) => unknown).apply(original, args);
      };
    },
  });
}

const POOL_IDLE_WAIT_MS = 5000;

/**
 * Resolves once every client the test checked out is back in the pool. A client kept longer
 * (a transaction left open) ends the pool instead: a fresh one replaces it for the next test.
 */
async function givenBack(lease: Extract<Lease, { kind: 'postgres' }>): Promise<void> {
  const deadline = Date.now() + POOL_IDLE_WAIT_MS;
  const { pool } = lease;
  while (pool.totalCount !== pool.idleCount || pool.waitingCount > 0) {
    if (Date.now() > deadline) {
      lease.pool = postgresPool(lease.url);
      await pool.end();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function lend(lease: Lease, poolSize: number | undefined): Promise<TestDatabase> {
  let released = false;
  if (lease.kind === 'pglite') {
    const database = await openPglite(untilReleased(lease.client, () => released));
    const stops = new Set<() => Promise<void>>();
    return {
      ...database,
      url: undefined,
      listen: async (channel, handler) => {
        const stop = await database.listen(channel, handler);
        stops.add(stop);
        return async () => {
          stops.delete(stop);
          await stop();
        };
      },
      close: async () => {
        if (released) return;
        await Promise.all([...stops].map((stop) => stop()));
        released = true;
        idle.push(lease);
      },
    };
  }
  const size = poolSize ?? DEFAULT_POOL_SIZE;
  if (lease.pool.options.max !== size) {
    await lease.pool.end();
    lease.pool = postgresPool(lease.url, size);
  }
  const end = async () => {
    released = true;
    await givenBack(lease);
    idle.push(lease);
  };
  const database = postgresDatabase(untilReleased(lease.pool, () => released, { end }), lease.url);
  return {
    ...database,
    url: lease.url,
    close: async () => {
      if (released) return;
      await database.close();
    },
  };
}

/**
 * A migrated database as fresh as a new one: its tables hold only what the migrations
 * wrote, its sequences start again. `poolSize` applies to PostgreSQL.
 */
export async function createTestDatabase(kind: DatabaseKind, poolSize?: number): Promise<TestDatabase> {
  const index = idle.findIndex((lease) => lease.kind === kind);
  const reused = index >= 0 ? idle.splice(index, 1)[0] : undefined;
  if (reused && (await statisticsMoved(reused))) {
    await discard(reused);
    return createTestDatabase(kind, poolSize);
  }
  const lease = reused ?? (await openLease(kind));
  const database = await lend(lease, poolSize);
  if (reused) await emptyToMigratedState(database);
  else {
    await keepMigratedState(database);
    lease.sizes = await sizesOf(lease);
  }
  return database;
}

/** The test database, with every statement the app sends through it written to `log`. */
export function withQueryLog(kind: DatabaseKind, database: TestDatabase, log: string[]): TestDatabase {
  const logger = { logQuery: (query: string) => log.push(query) };
  const client = (database.db as unknown as { $client: PGlite | pg.Pool }).$client;
  const db = kind === 'pglite' ? drizzlePglite(client as PGlite, { logger }) : drizzlePg(client as pg.Pool, { logger });
  return { ...database, db };
}

/**
 * Runs a suite on PGlite, and again on the PostgreSQL server when TEST_DATABASE_URL
 * is set; without it the server run is listed as skipped, not silently dropped.
 */
export function describeEachDatabase(name: string, suite: (kind: DatabaseKind) => void): void {
  describe(`${name} [pglite]`, () => suite('pglite'));
  describeOnPostgres(name, () => suite('postgres'));
}

/** A suite only a PostgreSQL server can run, listed as skipped with the reason without one. */
export function describeOnPostgres(name: string, suite: () => void): void {
  if (postgresAvailable()) describe(`${name} [postgres]`, suite);
  else describe.skip(`${name} [postgres] (skipped: TEST_DATABASE_URL not set)`, suite);
}
