import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, describeOnPostgres, type TestDatabase } from '../test/databases.js';
import { users } from '../users/users.schema.js';
import { queryRows } from './database.js';
import { NAMED_PER_CONNECTION, PLAN_ONCE } from './statement-names.js';

const preparedTexts = async (database: TestDatabase) =>
  (await queryRows<{ statement: string }>(database.db, sql`select statement from pg_prepared_statements order by statement`)).map((row) => row.statement);

describeOnPostgres('statements planned once', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    // One connection: every statement below, and the catalog asked about, are on it.
    database = await createTestDatabase('postgres', 1);
  });
  afterEach(() => database.close());

  it('prepares a text asked for by name once on its connection, in a transaction too, and runs it with each value', async () => {
    const doubled = (n: number) => sql`select ${n}::int * 2 as doubled`;
    for (const n of [1, 2, 3]) expect(await queryRows(database.db, doubled(n), PLAN_ONCE)).toEqual([{ doubled: n * 2 }]);
    const inTransaction = await database.db.transaction((tx) => queryRows(tx, doubled(4), PLAN_ONCE));
    expect(inTransaction).toEqual([{ doubled: 8 }]);
    expect((await preparedTexts(database)).filter((text) => text.includes('doubled'))).toEqual(['select $1::int * 2 as doubled']);
  });

  it('leaves a statement without that name, or named nothing, unprepared', async () => {
    await queryRows(database.db, sql`select ${1}::int as unnamed_one`);
    await queryRows(database.db, sql`select ${1}::int as unnamed_two`, '');
    expect((await preparedTexts(database)).filter((text) => text.includes('unnamed'))).toEqual([]);
  });

  it('prepares at most its bound of texts per connection and runs the rest unnamed, with the same answers', async () => {
    const texts = NAMED_PER_CONNECTION + 5;
    for (let i = 0; i < texts; i += 1) {
      const rows = await queryRows<{ n: number }>(database.db, sql.raw(`select ${i} as n_${i}`), PLAN_ONCE);
      expect(rows).toEqual([{ [`n_${i}`]: i }]);
    }
    // The first ones stay prepared and keep answering; the last ran unnamed.
    expect(await queryRows(database.db, sql.raw('select 0 as n_0'), PLAN_ONCE)).toEqual([{ n_0: 0 }]);
    const named = await queryRows<{ statement: string }>(database.db, sql`select statement from pg_prepared_statements where name like 'prepared\_%'`);
    expect(named).toHaveLength(NAMED_PER_CONNECTION);
    const namedTexts = named.map((row) => row.statement);
    expect(namedTexts).toContain('select 0 as n_0');
    expect(namedTexts).not.toContain(`select ${texts - 1} as n_${texts - 1}`);
  });
});

describe('statements planned once [pglite]', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('pglite');
  });
  afterEach(() => database.close());

  it('prepares a text asked for by name in the embedded backend too, from raw SQL and from a builder, and runs it with each value', async () => {
    for (const n of [1, 2]) expect(await queryRows(database.db, sql`select ${n}::int * 2 as embedded_doubled`, PLAN_ONCE)).toEqual([{ embedded_doubled: n * 2 }]);
    const byBuilder = database.db.select({ email: users.email }).from(users).where(eq(users.email, sql.placeholder('email'))).prepare(PLAN_ONCE);
    expect(await byBuilder.execute({ email: 'nobody@example.test' })).toEqual([]);
    expect(await database.db.transaction((tx) => queryRows(tx, sql`select ${3}::int * 2 as embedded_doubled`, PLAN_ONCE))).toEqual([{ embedded_doubled: 6 }]);
    await queryRows(database.db, sql`select ${1}::int as embedded_unnamed`);
    const texts = await preparedTexts(database);
    expect(texts.filter((text) => text.includes('embedded_'))).toEqual(['select $1::int * 2 as embedded_doubled']);
    expect(texts.some((text) => text.startsWith('select "email" from "users"'))).toBe(true);
  });
});
