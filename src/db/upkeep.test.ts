import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.js';
import { openDatabase, queryRows } from './database.js';
import { keepTablesUp, startDatabaseUpkeep } from './upkeep.js';

interface TableStats {
  last_vacuum: Date | null;
  last_analyze: Date | null;
  n_dead_tup: number;
}

describeEachDatabase('database upkeep', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    // One connection on a server: the counts it publishes when asked are all of them.
    database = await createTestDatabase(kind, 1);
  });
  afterEach(() => database.close());

  const statsOf = async (table: string): Promise<TableStats | undefined> =>
    (
      await queryRows<TableStats>(
        database.db,
        sql`select last_vacuum, last_analyze, n_dead_tup::int from pg_stat_user_tables where relname = ${table}`,
      )
    )[0];

  /** Rows in a table of the app's that nothing else writes during the test. */
  const addRateLimitCounters = (n: number, prefix = 'upkeep') =>
    queryRows(
      database.db,
      sql`insert into rate_limit_counters (key, hits, resets_at) select ${prefix} || ':' || g, 1, now() + interval '1 hour' from generate_series(1, ${n}) g`,
    );

  it('analyses a table once it changed past autovacuum’s threshold, vacuums one with many dead rows, and leaves a quiet one alone', async () => {
    // A round first, so the migrations' own writes are counted before the test's.
    await keepTablesUp(database.db);
    await addRateLimitCounters(2000);
    const analyzing = await keepTablesUp(database.db);
    expect(analyzing.analyzed).toContain('rate_limit_counters');
    expect((await statsOf('rate_limit_counters'))?.last_analyze).not.toBeNull();
    // Nothing changed since: nothing to do.
    expect(await keepTablesUp(database.db)).toEqual({ vacuumed: [], analyzed: [] });

    // Half the rows rewritten leave a thousand dead ones: past 50 + 20 % of 2,000.
    await queryRows(database.db, sql`update rate_limit_counters set hits = hits + 1 where key like 'upkeep:%' and right(key, 1) in ('0', '2', '4', '6', '8')`);
    expect((await keepTablesUp(database.db)).vacuumed).toEqual(['rate_limit_counters']);
    const vacuumed = await statsOf('rate_limit_counters');
    expect(vacuumed?.last_vacuum).not.toBeNull();
    expect(vacuumed?.n_dead_tup).toBe(0);
  });

  it('leaves a few changes to the next round, as autovacuum would', async () => {
    await addRateLimitCounters(2000);
    await keepTablesUp(database.db);
    await addRateLimitCounters(40, 'few');
    const round = await keepTablesUp(database.db);
    expect(round.analyzed).not.toContain('rate_limit_counters');
    expect(round.vacuumed).not.toContain('rate_limit_counters');
  });

  it('runs on the embedded database, and on a server only while its autovacuum is off', async () => {
    const upkeep = await startDatabaseUpkeep(database, { logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    await upkeep?.stop();
    const [setting] = await queryRows<{ on: boolean }>(database.db, sql`select current_setting('autovacuum')::boolean as on`);
    expect(upkeep !== undefined).toBe(kind === 'pglite' || setting?.on === false);
  });
});

it('analyses on the embedded database what changed before a restart, whose counts PGlite does not keep', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'helpline-upkeep-'));
  const first = await openDatabase({ databaseUrl: undefined, dataDir });
  await first.migrate();
  await keepTablesUp(first.db);
  await queryRows(first.db, sql`insert into rate_limit_counters (key, hits, resets_at) select 'restart:' || g, 1, now() + interval '1 hour' from generate_series(1, 2000) g`);
  await first.close();

  const again = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    const [counted] = await queryRows<{ changes: number }>(
      again.db,
      sql`select n_mod_since_analyze::int as changes from pg_stat_user_tables where relname = 'rate_limit_counters'`,
    );
    // What this test is about: the 2,000 inserts are not counted after the restart.
    expect(counted?.changes).toBe(0);
    expect((await keepTablesUp(again.db)).analyzed).toContain('rate_limit_counters');
    expect((await keepTablesUp(again.db)).analyzed).not.toContain('rate_limit_counters');
  } finally {
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
