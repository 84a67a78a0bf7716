import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { create as createTar } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../db/database.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { runCli } from '../test/cli.js';
import { createTestDatabase, describeOnPostgres, type TestDatabase } from '../test/databases.js';
import { createDesk, openTicket, patchTicket, postMessage } from '../tickets/tickets.test-support.js';
import { backupsDir, backUpNow } from './backup-scheduler.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'helpline-backup-'));

/**
 * Every row of every table, migrations included, in a stable order. Unlogged tables (the
 * rate-limit counts) are left out: PostgreSQL empties them after an unclean stop, and PGlite's
 * dump is one, so no backup holds them.
 */
async function everyTable(database: Database): Promise<Record<string, unknown[]>> {
  const tables = await queryRows<{ name: string }>(
    database.db,
    sql`select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'drizzle') and c.relkind = 'r' and c.relpersistence = 'p' order by 1`,
  );
  const snapshot: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ rows: unknown[] }>(
      database.db,
      sql.raw(`select coalesce(jsonb_agg(to_jsonb(t) order by to_jsonb(t)::text), '[]') as rows from ${name} t`),
    );
    snapshot[name] = row?.rows ?? [];
  }
  return snapshot;
}

/** A desk with users, tickets, replies, an internal note, status history, notifications and queued mail. */
async function seedDesk(t: TestApp): Promise<void> {
  const desk = await createDesk(t);
  const ticket = await openTicket(t, desk.customer, { subject: 'Backup me', description: 'Ünïcode and "quotes" survive' });
  await openTicket(t, desk.otherCustomer);
  expect((await postMessage(t, desk.agent, ticket.id, { body: 'On it', internal: false })).statusCode).toBe(201);
  expect((await postMessage(t, desk.agent, ticket.id, { body: 'Customer is VIP', internal: true })).statusCode).toBe(201);
  expect((await patchTicket(t, desk.manager, ticket.id, { status: 'resolved', priority: 'urgent' })).statusCode).toBe(200);
}

describe('backup and restore of the embedded database', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function seededDataDir(): Promise<{ dataDir: string; snapshot: Record<string, unknown[]> }> {
    const dataDir = tempDir();
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    await database.migrate();
    t = await createTestApp('pglite', { dataDir }, { database: { ...database, url: undefined } });
    await seedDesk(t);
    const snapshot = await everyTable(database);
    await t.close();
    t = undefined;
    return { dataDir, snapshot };
  }

  it('round-trips a seeded desk through the CLI, table by table, into a new data folder', { timeout: 180_000 }, async () => {
    const { dataDir, snapshot } = await seededDataDir();
    expect(Object.keys(snapshot).length).toBeGreaterThan(10);
    const file = path.join(tempDir(), 'desk.tar.gz');

    const backup = await runCli(['backup', file], { DATA_DIR: dataDir });
    expect(backup.code, backup.output).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A new machine's DATA_DIR, not made yet, with its JWT_SECRET set (so nothing else makes the folder).
    const target = path.join(tempDir(), 'new', 'data');
    const restore = await runCli(['restore', file], { DATA_DIR: target, JWT_SECRET: 'a-secret-that-is-long-enough-for-hs256-0123' });
    expect(restore.code, restore.output).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o700);
    const restored = await openDatabase({ databaseUrl: undefined, dataDir: target });
    try {
      expect(await everyTable(restored)).toEqual(snapshot);
    } finally {
      await restored.close();
    }
  });

  it('refuses a file that is not a backup, and a data folder with no database, changing nothing', { timeout: 60_000 }, async () => {
    const folder = tempDir();
    const notABackup = path.join(folder, 'notes.txt');
    writeFileSync(notABackup, 'hello');
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, JWT_SECRET: 'a-secret-that-is-long-enough-for-hs256-0123' };
    const refused = await runCli(['restore', notABackup], env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('is not a Helpline backup');
    expect(readdirSync(dataDir)).toEqual([]);

    // A gzipped tarball, but of something else: no cluster comes of it, and no empty desk either.
    const otherTarball = path.join(folder, 'other.tar.gz');
    await createTar({ gzip: true, file: otherTarball, cwd: folder }, ['notes.txt']);
    const notACluster = await runCli(['restore', otherTarball], env);
    expect(notACluster.code, notACluster.output).toBe(1);
    expect(notACluster.output).toContain('holds no database cluster');
    expect(readdirSync(dataDir)).toEqual([]);
    rmSync(otherTarball);

    // A backup cut short (a full disk, a copy interrupted): refused whole, not restored in part.
    const cluster = path.join(folder, 'cluster');
    mkdirSync(cluster);
    writeFileSync(path.join(cluster, 'PG_VERSION'), '17\n');
    writeFileSync(path.join(cluster, 'relation'), randomBytes(256 * 1024));
    const whole = path.join(folder, 'whole.tar.gz');
    await createTar({ gzip: true, file: whole, cwd: cluster }, ['PG_VERSION', 'relation']);
    const cut = path.join(folder, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(whole).subarray(0, statSync(whole).size / 2));
    const cutShort = await runCli(['restore', cut], env);
    expect(cutShort.code, cutShort.output).toBe(1);
    expect(cutShort.output).toContain('could not be restored');
    expect(readdirSync(dataDir)).toEqual([]);
    rmSync(cluster, { recursive: true });
    rmSync(whole);
    rmSync(cut);

    const empty = await runCli(['backup', path.join(folder, 'empty.tar.gz')], env);
    expect(empty.code).toBe(1);
    expect(empty.output).toContain('There is no embedded database');
    expect(readdirSync(folder)).toEqual(['notes.txt']);
  });

  it('backs up a running desk on its own schedule, keeping the newest BACKUP_KEEP, and restores one over the desk', { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    await database.migrate();
    t = await createTestApp('pglite', { dataDir, backups: { intervalMs: 3_600_000, keep: 2 } }, { database: { ...database, url: undefined } });
    await seedDesk(t);
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      files.push(await backUpNow(t.ctx));
      t.clock.advance(3_600_000);
    }
    expect(readdirSync(backupsDir(dataDir)).sort()).toEqual(files.slice(1).map((file) => path.basename(file)));
    const snapshot = await everyTable(database);
    await t.close();
    t = undefined;

    // Restored over the desk it came from: the database it replaces is kept aside, not deleted.
    const restore = await runCli(['restore', files[2] ?? ''], { DATA_DIR: dataDir });
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain('the database it replaced is kept in');
    expect(readdirSync(dataDir).filter((name) => name.startsWith('pgdata.before-restore-'))).toHaveLength(1);
    const restored = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      expect(await everyTable(restored)).toEqual(snapshot);
    } finally {
      await restored.close();
    }
  });
});

describeOnPostgres('backup and restore of a PostgreSQL server database', () => {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
  });

  it('round-trips a seeded desk with pg_dump into another database, table by table', { timeout: 180_000 }, async () => {
    const source = await createTestDatabase('postgres');
    const target = await createTestDatabase('postgres');
    opened.push(source, target);
    const t = await createTestApp('postgres', {}, { database: { ...source, close: async () => undefined } });
    await seedDesk(t);
    await t.close();
    const snapshot = await everyTable(source);
    const file = path.join(tempDir(), 'desk.dump');

    const backup = await runCli(['backup', file], { DATABASE_URL: source.url ?? '', DATA_DIR: tempDir() });
    expect(backup.code, backup.output).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const unconfirmed = await runCli(['restore', file], { DATABASE_URL: target.url ?? '', DATA_DIR: tempDir() });
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.output).toContain('--yes');
    const restore = await runCli(['restore', file, '--yes'], { DATABASE_URL: target.url ?? '', DATA_DIR: tempDir() });
    expect(restore.code, restore.output).toBe(0);
    expect(await everyTable(target)).toEqual(snapshot);
  });
});
