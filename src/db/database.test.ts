import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../test/databases.js';
import { openDatabase, openPostgres, queryRows, type Database, type Db } from './database.js';

const journal = JSON.parse(readFileSync(path.join(import.meta.dirname, 'migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };

const appliedMigrations = async (database: Database): Promise<number> => {
  const rows = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return rows[0]?.n ?? -1;
};

describe('migrations', () => {
  it('apply once on PGlite on disk; data survives a restart and nothing is applied twice', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'helpline-db-'));
    const first = await openDatabase({ databaseUrl: undefined, dataDir });
    expect(await appliedMigrations(first), 'a fresh data directory starts as a copy of the migrated template').toBe(journal.entries.length);
    await first.migrate();
    await first.db.execute(sql`insert into users (email, name, role, password_hash) values ('kept@example.test', 'Kept', 'customer', 'x')`);
    expect(await appliedMigrations(first)).toBe(journal.entries.length);
    await first.close();

    const second = await openDatabase({ databaseUrl: undefined, dataDir });
    await second.migrate();
    expect(await appliedMigrations(second)).toBe(journal.entries.length);
    const rows = await queryRows<{ email: string }>(second.db, sql`select email from users`);
    expect(rows.map((row) => row.email)).toEqual(['kept@example.test']);
    await second.close();
  });

  const serverUrl = process.env.TEST_DATABASE_URL;
  it.skipIf(!serverUrl || !inject('postgresTemplate'))(
    'on PostgreSQL, processes starting together migrate once (skipped without TEST_DATABASE_URL)',
    async () => {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      const name = `helpline_migrate_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(serverUrl ?? '');
      url.pathname = `/${name}`;
      const handles = await Promise.all([openPostgres(url.toString()), openPostgres(url.toString()), openPostgres(url.toString())]);
      try {
        await Promise.all(handles.map((handle) => handle.migrate()));
        expect(await appliedMigrations(handles[0])).toBe(journal.entries.length);
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
  );
});

describe('the embedded database in the event loop', () => {
  it('lets other work in between queries, inside a transaction and between queued ones, and still commits or rolls back whole', async () => {
    const database = await createTestDatabase('pglite');
    try {
      // A callback that re-queues itself each turn of the event loop counts the turns that pass.
      let turns = 0;
      let counting = true;
      const count = () => {
        turns += 1;
        if (counting) setImmediate(count);
      };
      setImmediate(count);
      const insert = (tx: Db, email: string) => tx.execute(sql`insert into users (email, name, role, password_hash) values (${email}, 'Turn', 'customer', 'x')`);
      await Promise.all([
        database.db.transaction(async (tx) => {
          for (let i = 0; i < 5; i++) await insert(tx, `turn-${i}@example.test`);
        }),
        ...Array.from({ length: 5 }, () => database.db.execute(sql`select 1`)),
        database.db
          .transaction(async (tx) => {
            await insert(tx, 'rolled-back@example.test');
            throw new Error('roll back');
          })
          .catch(() => undefined),
      ]);
      counting = false;
      // Eleven queries queued at once: without turns they would all run before the first count.
      expect(turns).toBeGreaterThanOrEqual(10);
      const rows = await queryRows<{ email: string }>(database.db, sql`select email from users where name = 'Turn' order by email`);
      expect(rows.map((row) => row.email)).toEqual([0, 1, 2, 3, 4].map((i) => `turn-${i}@example.test`));
    } finally {
      await database.close();
    }
  });

  it('refuses a statement on a transaction that has ended, as PGlite does', async () => {
    const database = await createTestDatabase('pglite');
    try {
      let ended: Db | undefined;
      await database.db.transaction(async (tx) => {
        ended = tx;
        await tx.execute(sql`select 1`);
      });
      const late = ended?.execute(sql`insert into users (email, name, role, password_hash) values ('late@example.test', 'Late', 'customer', 'x')`);
      await expect(late).rejects.toMatchObject({ cause: { message: 'Transaction is closed' } });
      expect(await queryRows(database.db, sql`select 1 from users where email = 'late@example.test'`)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
