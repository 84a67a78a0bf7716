import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openPglite, openPostgres } from '../src/db/database.js';
import type { DatabaseProcesses } from './load.js';
import type { DatabaseKind } from './options.js';

/** The little the seeder needs from either driver. */
export interface SqlClient {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Where one benchmark run keeps its data, and how the server and the baseline reach it. */
export interface BenchDatabase {
  kind: DatabaseKind;
  /** Environment for `src/main.ts`: DATA_DIR always, DATABASE_URL on PostgreSQL. */
  serverEnv: Record<string, string>;
  /** Environment for bench/baseline-server.ts: the same driver and database. */
  baselineEnv: Record<string, string>;
  /** A migrated database the seeder writes to; on PGlite it must be closed before the server opens the directory. */
  open(): Promise<SqlClient>;
  /** The backends serving the run, when the database server runs on this machine (PGlite runs inside the server). */
  processes: DatabaseProcesses | undefined;
  /** One line for the report: engine, version, setup. */
  describe(client: SqlClient): Promise<string>;
  dispose(): Promise<void>;
}

export const tempDir = (label: string): string => mkdtempSync(path.join(tmpdir(), `helpline-bench-${label}-`));

async function version(client: SqlClient): Promise<string> {
  const [row] = await client.query<{ v: string }>(`select split_part(version(), ' on ', 1) as v`);
  return row?.v ?? 'PostgreSQL';
}

function pgliteClient(client: PGlite): SqlClient {
  return {
    query: async <T>(text: string, params?: unknown[]) => (await client.query<T>(text, params)).rows,
    close: () => client.close(),
  };
}

function pgClient(client: pg.Client): SqlClient {
  return {
    query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[],
    close: () => client.end(),
  };
}

/** The server's data dir and a separate scratch dir for the baseline (PGlite is one process per directory). */
export function embeddedDatabase(): BenchDatabase {
  const dataDir = tempDir('data');
  const baselineDir = tempDir('baseline');
  return {
    kind: 'embedded',
    serverEnv: { DATA_DIR: dataDir },
    baselineEnv: { BASELINE_PGLITE_DIR: baselineDir },
    processes: undefined,
    open: async () => {
      const dir = path.join(dataDir, 'pgdata');
      mkdirSync(dir, { recursive: true });
      const client = new PGlite(dir);
      const database = await openPglite(client);
      await database.migrate();
      return pgliteClient(client);
    },
    describe: async (client) => `embedded PGlite (${await version(client)}, WebAssembly, inside the server process)`,
    dispose: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(baselineDir, { recursive: true, force: true });
    },
  };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether the server behind `url` runs here, so its processes' CPU can be read from /proc. */
function onThisMachine(url: string): boolean {
  const parsed = new URL(url);
  // A Unix socket's folder, as the host (percent-encoded) or as `?host=`.
  const socket = decodeURIComponent(parsed.hostname).startsWith('/') || (parsed.searchParams.get('host')?.startsWith('/') ?? false);
  return LOCAL_HOSTS.has(parsed.hostname) || socket;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database on the given server, named after this process, dropped at the end; or,
 * with `existing`, a database seeded earlier, which is measured and left in place.
 */
export async function postgresDatabase(adminUrl: string, existing?: string): Promise<BenchDatabase> {
  const name = existing ?? `helpline_bench_${process.pid}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unusual database name "${name}"`);
  if (!existing) {
    await admin(adminUrl, async (client) => {
      await client.query(`drop database if exists ${name} with (force)`);
      await client.query(`create database ${name}`);
    });
  }
  // The server is shared: a pathological plan at a million tickets must not hold its CPU for minutes.
  await admin(adminUrl, (client) => client.query(`alter database ${name} set statement_timeout = '30s'`));
  const url = withDatabase(adminUrl, name);
  const dataDir = tempDir('pgdata');
  return {
    kind: 'postgres',
    serverEnv: { DATA_DIR: dataDir, DATABASE_URL: url },
    baselineEnv: { BASELINE_DATABASE_URL: url },
    // Asked over the admin database, so the asking backend is never among them.
    processes: onThisMachine(adminUrl)
      ? () =>
          admin(adminUrl, async (client) => {
            const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name]);
            return rows.map((row) => row.pid);
          })
      : undefined,
    open: async () => {
      const database = await openPostgres(url, 1);
      await database.migrate();
      await database.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return pgClient(client);
    },
    describe: async (client) => {
      const [buffers] = await client.query<{ shared_buffers: string }>('show shared_buffers');
      const [autovacuum] = await client.query<{ autovacuum: string }>('show autovacuum');
      // Off (as on this project's CI machines), the app vacuums and analyses its tables itself (src/db/upkeep.ts).
      const upkeep = autovacuum?.autovacuum === 'off' ? 'autovacuum off: the app keeps its tables up itself' : 'autovacuum on';
      // On one host a Unix socket spares each statement the loopback TCP stack (bench/FINDINGS.md §11).
      const via = new URL(url).searchParams.get('host')?.startsWith('/') ? 'its Unix socket' : 'TCP on localhost';
      return `${await version(client)} server on this machine, over ${via} (shared_buffers ${buffers?.shared_buffers ?? '?'}, ${upkeep}), node-postgres pool of 10`;
    },
    dispose: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (!existing) await admin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
