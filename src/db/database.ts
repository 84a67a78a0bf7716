import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { closeToOthers, PRIVATE_DIR_MODE } from '../data-dir.js';
import { embeddedTemplate, isFreshDataDir, unpackCluster } from './embedded-template.js';
import { statementRunner } from './pglite-statements.js';
import { nameStatementsOf } from './statement-names.js';
import { PostgresListener, type NotificationHandler } from './postgres-listener.js';

/** A database or an open transaction: repositories accept either. */
export type Db = PgDatabase<PgQueryResultHKT>;

export type { NotificationHandler };

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /**
   * Subscribes to a LISTEN channel; returns the unsubscribe function. The subscription
   * survives a lost connection: after reconnecting, the handler is called once with an
   * empty payload, as notifications sent in between are lost.
   */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  migrate(): Promise<void>;
  /** The embedded cluster as PGlite's own gzipped tarball, taken between queries; absent on a server. */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));

const dialect = new PgDialect();

/** Typed rows of a raw query, the same on both drivers; `name` as a builder's `.prepare` takes it (PLAN_ONCE). */
export async function queryRows<T>(db: Db, query: SQL, name?: string): Promise<T[]> {
  const result: unknown = await (name === undefined ? db.execute(query) : db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false).execute());
  return (result as { rows: T[] }).rows;
}

const migrateEmbedded = (client: PGlite) => migratePglite(drizzlePglite(client), { migrationsFolder });

/**
 * Hands out turns of the event loop one at a time: each waiter is released by its own
 * `setImmediate`, queued by the previous one, so it runs on the next pass of the loop,
 * after the I/O that came in meanwhile (an immediate queued while immediates run waits for
 * the next pass).
 */
function turns(): () => Promise<void> {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const schedule = () => {
    if (scheduled || waiting.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      waiting.shift()?.();
      schedule();
    });
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      schedule();
    });
}

/** `target` with `wrapped` in place of some methods; every other member bound to `target` (PGlite has private fields). */
function withMethods<T extends object>(target: T, wrapped: Partial<T>): T {
  return new Proxy(target, {
    get(object, key) {
      if (Object.hasOwn(wrapped, key)) return wrapped[key as keyof T];
      const value: unknown = Reflect.get(object, key, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

/**
 * The embedded database runs inside this process's event loop, and queries queued behind
 * one another run back to back (each one's end starts the next in a microtask), so a
 * burst of writes or reads would hold every other request up until all are done. So the
 * queries take turns: one per pass of the event loop, with other requests in between.
 * Each is sent as one message (src/db/pglite-statements.ts).
 */
export function takingTurns(client: PGlite): PGlite {
  const nextTurn = turns();
  const statements = statementRunner(client);
  type Tx = Parameters<Parameters<PGlite['transaction']>[0]>[0];
  const inTurns = (tx: Tx): Tx =>
    withMethods(tx, {
      query: async <T>(...args: Parameters<Tx['query']>) => {
        await nextTurn();
        if (tx.closed) throw new Error('Transaction is closed');
        return statements.queryInTransaction<T>(...args);
      },
    });
  return withMethods(client, {
    query: async <T>(...args: Parameters<PGlite['query']>) => {
      await nextTurn();
      return statements.query<T>(...args);
    },
    transaction: async <T>(callback: (tx: Tx) => Promise<T>) => {
      await nextTurn();
      return client.transaction((tx) => callback(inTurns(tx)));
    },
  });
}

export async function openPglite(client: PGlite): Promise<Database> {
  await client.waitReady;
  const db = drizzlePglite(takingTurns(client)) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    listen: (channel, handler) => client.listen(channel, handler),
    migrate: () => migrateEmbedded(client),
    dumpDataDir: () => client.dumpDataDir('gzip'),
    close: () => client.close(),
  };
}

export const DEFAULT_POOL_SIZE = 10;

/** The connection pool the app uses on a PostgreSQL server. */
export function postgresPool(connectionString: string, poolSize = DEFAULT_POOL_SIZE): pg.Pool {
  // JIT compiling costs 50–130 ms a query; it triggers on planner estimates, not on work done, so a
  // search whose index branches are costed high but skipped at run time paid 50 ms for 4 ms of work.
  const pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 5000, options: '-c jit=off' });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  // A checked-out client losing its server emits on itself, not on the pool; unhandled, it would end the process.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    nameStatementsOf(client);
  });
  return pool;
}

export function openPostgres(connectionString: string, poolSize = DEFAULT_POOL_SIZE): Promise<Database> {
  return Promise.resolve(postgresDatabase(postgresPool(connectionString, poolSize), connectionString));
}

/** A database over `pool`, which its `close` ends; `connectionString` serves LISTEN and migrations. */
export function postgresDatabase(pool: pg.Pool, connectionString: string): Database {
  const db = drizzlePg(pool) as unknown as Db;
  const listener = new PostgresListener(connectionString);
  const listeners = new Set<() => Promise<void>>();
  return {
    db,
    driver: 'postgres',
    ping: async () => {
      await pool.query('select 1');
    },
    listen: async (channel, handler) => {
      const stop = await listener.listen(channel, handler);
      listeners.add(stop);
      return async () => {
        listeners.delete(stop);
        await stop();
      };
    },
    migrate: () => migratePostgres(connectionString),
    close: async () => {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
  };
}

// Any fixed 64-bit number: every Helpline process takes the same lock before migrating.
const MIGRATION_LOCK = 7_346_210_001;

/** Several processes starting at once on one server wait for each other's migration. */
async function migratePostgres(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzlePg(client), { migrationsFolder });
  } finally {
    await client.end();
  }
}

/** Embedded PostgreSQL on disk, or a PostgreSQL server when a URL is given. */
export async function openDatabase(options: { databaseUrl: string | undefined; databasePoolSize?: number; dataDir: string }): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.databasePoolSize);
  const dir = embeddedClusterDir(options.dataDir);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const database = await openPglite(await embeddedCluster(dir));
  // PGlite sets its files' modes itself, past the process umask (the template's files come out
  // 0666, files it creates 0644): made private at open and again at close, while the 0700
  // folders keep others out in between.
  await closeToOthers(dir);
  return {
    ...database,
    close: async () => {
      await database.close();
      await closeToOthers(dir);
    },
  };
}

/** Where the embedded cluster of a data directory lives. */
export const embeddedClusterDir = (dataDir: string): string => path.join(dataDir, 'pgdata');

async function embeddedCluster(dir: string): Promise<PGlite> {
  if (isFreshDataDir(dir)) {
    // A read-only install cannot keep a template: PGlite then runs initdb, the slow way.
    const template = await migratedEmbeddedTemplate().catch(() => undefined);
    if (template) await unpackCluster(template, dir);
  }
  return new PGlite(dir);
}

/** The path of a migrated embedded cluster's tarball, made once per migration set (see embedded-template.ts). */
export function migratedEmbeddedTemplate(): Promise<string> {
  return embeddedTemplate(migrationsFolder, migrateEmbedded);
}

/** Applies pending migrations. */
export function migrate(database: Database): Promise<void> {
  return database.migrate();
}
