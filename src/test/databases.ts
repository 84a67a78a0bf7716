import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { describe, inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../db/database.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** Set by global-setup: a migrated PostgreSQL database every test database is copied from. */
const templateName = (): string | undefined => inject('postgresTemplate');
const serverUrl = (): string | undefined => process.env.TEST_DATABASE_URL;

export const postgresAvailable = (): boolean => Boolean(serverUrl() && templateName());

let pgliteImage: Promise<Blob> | undefined;

/** The migrated image global-setup wrote; loading it is much faster than migrating. */
function migratedPgliteImage(): Promise<Blob> {
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

/** A fresh migrated database; `poolSize` applies to PostgreSQL. */
export async function createTestDatabase(kind: DatabaseKind, poolSize?: number): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openPglite(new PGlite({ loadDataDir: await migratedPgliteImage() }));
    return { ...database, url: undefined };
  }
  const admin = serverUrl();
  const template = templateName();
  if (!admin || !template) throw new Error('TEST_DATABASE_URL is not set');
  const name = `helpline_test_${randomBytes(6).toString('hex')}`;
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await adminClient.end();
  const url = withDatabaseName(admin, name);
  const database = await openPostgres(url, poolSize);
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
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
