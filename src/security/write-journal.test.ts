import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.js';
import { openWriteJournal, type WriteJournal } from './write-journal.js';

const triggerCount = async (database: TestDatabase): Promise<number> => {
  const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from pg_trigger where tgname like 'test_write_journal%'`);
  return row?.n ?? -1;
};

describeEachDatabase('the write journal of the security sweeps', (kind) => {
  let database: TestDatabase;
  let journal: WriteJournal;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    journal = await openWriteJournal(database.db);
  });
  afterEach(() => database.close());

  it('names each table written since the last look, and only those', async () => {
    const { db } = database;
    expect(await journal.take()).toEqual([]);
    await db.execute(sql`insert into role_permissions (role, permission) values ('customer', 'reports.view')`);
    await db.execute(sql`update sla_policies set resolution_minutes = resolution_minutes + 1 where priority = 'low'`);
    expect(await journal.take()).toEqual(['role_permissions', 'sla_policies']);
    expect(await journal.take(), 'what was seen is not named again').toEqual([]);

    await db.execute(sql`delete from role_permissions where role = 'customer' and permission = 'reports.view'`);
    expect(await journal.take()).toEqual(['role_permissions']);
    await journal.close();
  });

  it('does not count an update that leaves rows as they were, a rolled-back write, or the rate-limit counts', async () => {
    const { db } = database;
    await db.execute(sql`update role_permissions set role = role`);
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into role_permissions (role, permission) values ('customer', 'reports.view')`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await db.execute(sql`insert into rate_limit_counters (key, hits, resets_at) values ('a', 1, now())`);
    expect(await journal.take()).toEqual([]);
    await journal.close();
  });

  it('leaves no trigger behind once closed', async () => {
    expect(await triggerCount(database)).toBeGreaterThan(40);
    await journal.close();
    expect(await triggerCount(database)).toBe(0);
  });
});
