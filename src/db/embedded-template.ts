import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { extract } from 'tar';
import { PRIVATE_DIR_MODE } from '../data-dir.js';

/**
 * Creating an embedded cluster runs initdb inside WebAssembly: about ten seconds of CPU,
 * most of a fresh start. A migrated, never-used cluster is the same bytes on every machine
 * for one PGlite version and one set of migrations, so it is made once, kept as a tarball
 * beside node_modules, and every fresh data directory starts as a copy of it.
 */
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/helpline', import.meta.url));
const pglitePackage = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url));

async function templateKey(migrationsFolder: string): Promise<string> {
  const hash = createHash('sha256').update(await readFile(pglitePackage));
  for (const name of (await readdir(migrationsFolder, { recursive: true })).sort()) {
    const file = path.join(migrationsFolder, name);
    if (name.endsWith('.sql') || name.endsWith('_journal.json')) hash.update(name).update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The path of the migrated template for these migrations, made now if missing. `migrate`
 * brings a new in-memory cluster up to date.
 */
export async function embeddedTemplate(migrationsFolder: string, migrate: (client: PGlite) => Promise<void>): Promise<string> {
  const file = path.join(cacheDir, `pglite-${await templateKey(migrationsFolder)}.tar`);
  if (existsSync(file)) return file;
  const client = new PGlite();
  try {
    await migrate(client);
    const image = await client.dumpDataDir('none');
    await mkdir(cacheDir, { recursive: true });
    await pruneStaleTemplates();
    // Several processes may make it at once: each writes a private file, then renames it atomically.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await image.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await client.close();
  }
  return file;
}

const STALE_AFTER_MS = 3_600_000;

/** Templates of other migration sets, left alone for an hour in case a running process still reads one. */
async function pruneStaleTemplates(): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const file = path.join(cacheDir, name);
    if (name.startsWith('pglite-') && Date.now() - (await stat(file)).mtimeMs > STALE_AFTER_MS) await rm(file, { force: true });
  }
}

/**
 * Makes `dir` the cluster a PGlite tarball holds (a template, or a backup, gzipped or not).
 * PGlite can load one itself, but through its WebAssembly file system: 3.8 s for the
 * template, against well under a second natively. It is unpacked beside `dir` and renamed
 * into place, so a start cut short never leaves half a cluster that looks whole; a tarball
 * with no cluster in it is refused, where PGlite would have made an empty one.
 */
export async function unpackCluster(file: string, dir: string): Promise<void> {
  const partial = `${dir}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { mode: PRIVATE_DIR_MODE });
  try {
    // Not `strict`: PGlite writes absolute member names, and stripping their leading slash is a
    // warning tar's strict mode would refuse; any other warning (not a tarball, truncated) is.
    const problems: string[] = [];
    // Synchronous: the asynchronous form sends each file's half-dozen calls through libuv's
    // thread pool, 0.8–1.9 s for the template's 1,245 files against 0.3 s. Only a start or a
    // restore unpacks, before anything is served.
    extract({ file, cwd: partial, sync: true, onwarn: (code, message) => code === 'TAR_ENTRY_INFO' || problems.push(message) });
    if (problems.length > 0) throw new Error(problems.join('; '));
    if (isFreshDataDir(partial)) throw new Error('the file holds no database cluster');
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** A fresh data directory has no cluster yet: PGlite writes PG_VERSION first. */
export const isFreshDataDir = (dir: string): boolean => !existsSync(path.join(dir, 'PG_VERSION'));
