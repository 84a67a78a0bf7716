import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../db/database.js';
import { createTestDatabase, describeEachDatabase } from './databases.js';

const tablesOf = async (database: Awaited<ReturnType<typeof createTestDatabase>>) =>
  (await queryRows<{ name: string }>(database.db, sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`)).map((row) => row.name);

describeEachDatabase('a test database lent again', (kind) => {
  it('comes back as the migrations left it: seed rows, sequences, and no table a test made', async () => {
    const first = await createTestDatabase(kind);
    const migratedTables = await tablesOf(first);
    const seedRows = await queryRows(first.db, sql`select * from role_permissions order by 1, 2`);
    await first.db.execute(sql`create table made_by_a_test (n int)`);
    await first.db.execute(sql`delete from role_permissions`);
    await first.db.execute(sql`select nextval('tickets_number_seq')`);
    await first.close();
    await expect(first.ping(), 'a closed lease refuses every call').rejects.toThrow();

    const again = await createTestDatabase(kind);
    expect(await tablesOf(again)).toEqual(migratedTables);
    expect(await queryRows(again.db, sql`select * from role_permissions order by 1, 2`)).toEqual(seedRows);
    expect(await queryRows(again.db, sql`select nextval('tickets_number_seq')::int as n`)).toEqual([{ n: 1 }]);
    await again.close();
  });
});
