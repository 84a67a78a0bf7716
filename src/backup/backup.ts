import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { closeToOthers, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../data-dir.js';
import { embeddedClusterDir, openPglite, type Database } from '../db/database.js';
import { unpackCluster } from '../db/embedded-template.js';

/**
 * Two formats, each its database's own: PGlite's gzipped tarball of the embedded cluster, and
 * pg_dump's custom format for a PostgreSQL server. A restore tells them apart by their first
 * bytes, so a file meant for one is never fed to the other.
 */
export type BackupFormat = 'embedded' | 'postgres';

export class BackupError extends Error {}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const PG_DUMP_MAGIC = Buffer.from('PGDMP');

export async function backupFormatOf(file: string): Promise<BackupFormat> {
  const head = Buffer.alloc(5);
  const handle = await open(file, 'r').catch(() => {
    throw new BackupError(`Cannot read ${file}`);
  });
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'embedded';
  if (head.equals(PG_DUMP_MAGIC)) return 'postgres';
  throw new BackupError(`${file} is not a Helpline backup (neither an embedded-database dump nor a pg_dump file)`);
}

/** Written beside the target and renamed, so a failed backup never leaves a file that looks whole. */
async function writePrivately(file: string, write: (partial: string) => Promise<void>): Promise<void> {
  const partial = `${file}.partial`;
  try {
    await write(partial);
    // A backup holds password hashes and every ticket: only the desk's own user may read it.
    await chmod(partial, PRIVATE_FILE_MODE);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

export async function writeEmbeddedBackup(database: Database, file: string): Promise<void> {
  if (!database.dumpDataDir) throw new BackupError('Only the embedded database can be dumped in-process');
  const image = Buffer.from(await (await database.dumpDataDir()).arrayBuffer());
  await writePrivately(file, (partial) => writeFile(partial, image, { mode: PRIVATE_FILE_MODE }));
}

const run = promisify(execFile);

async function runPostgresTool(tool: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  try {
    await run(tool, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { code?: string | number; stderr?: string };
    if (failed.code === 'ENOENT') throw new BackupError(`${tool} was not found: install the PostgreSQL client tools (Debian: postgresql-client)`);
    throw new BackupError(`${tool} failed: ${(failed.stderr ?? String(error)).trim()}`);
  }
}

/** pg_dump reads one snapshot, so a running desk is backed up consistently. */
export async function writePostgresBackup(databaseUrl: string, file: string): Promise<void> {
  await writePrivately(file, async (partial) => {
    await runPostgresTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`, `--dbname=${databaseUrl}`]);
  });
}

/**
 * Replaces the server database's Helpline objects with the backup's, all or nothing; the caller
 * migrates afterwards so a backup from an older version comes up to date.
 */
export async function restorePostgresBackup(databaseUrl: string, file: string): Promise<void> {
  await runPostgresTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${databaseUrl}`, file]);
}

/**
 * Loads the backup as the data directory's cluster and migrates it. The cluster it replaces is
 * kept beside it (renamed, never deleted), so a restore over the wrong desk loses nothing.
 * Returns where the replaced cluster went, if there was one.
 */
export async function restoreEmbeddedBackup(dataDir: string, file: string): Promise<string | undefined> {
  // A desk moving to a new machine restores before its first start, into a DATA_DIR not made yet.
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const dir = embeddedClusterDir(dataDir);
  let replaced: string | undefined;
  if (existsSync(dir)) {
    replaced = `${dir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(dir, replaced);
  }
  try {
    await unpackCluster(file, dir);
    const database = await openPglite(new PGlite(dir));
    try {
      await database.migrate();
    } finally {
      await database.close();
    }
    await closeToOthers(dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (replaced) await rename(replaced, dir);
    throw new BackupError(`${file} could not be restored: ${error instanceof Error ? error.message : String(error)}`);
  }
  return replaced;
}
