import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedPgliteImage } from '../test/databases.js';
import { openPglite } from './database.js';
import { statementRunner } from './pglite-statements.js';

describe('statements sent to PGlite in one message', () => {
  let client: PGlite;
  let runner: ReturnType<typeof statementRunner>;

  beforeAll(async () => {
    client = new PGlite({ loadDataDir: await migratedPgliteImage() });
    await openPglite(client);
    runner = statementRunner(client);
    await client.exec(`create table things (id int primary key, name text, at timestamptz, doc jsonb, bytes bytea, tags text[], yes boolean, big bigint)`);
  });

  afterAll(async () => {
    await client.close();
  });

  it('answers as PGlite’s own query does, for every kind of value both ways', async () => {
    const insert = 'insert into things values ($1, $2, $3, $4, $5, $6, $7, $8) returning *';
    const at = new Date('2026-12-02T10:00:00.123Z');
    const values = [1, 'O’Brien "quoted", {braced}', at, { nested: [1, 'two'] }, Uint8Array.from([0, 1, 254, 255]), ['a', 'b,c', 'd"e'], true, 2n ** 40n];
    const ours = await runner.query(insert, values);
    const theirs = await client.query('select * from things where id = 1');
    expect(ours.rows).toEqual(theirs.rows);
    expect(ours.fields).toEqual(theirs.fields);
    expect(ours.affectedRows).toBe(1);
    expect(ours.rows[0]).toMatchObject({ id: 1, at, doc: { nested: [1, 'two'] }, tags: ['a', 'b,c', 'd"e'], yes: true });

    const nulls = await runner.query(insert, [2, null, undefined, null, null, null, null, null]);
    expect(nulls.rows).toEqual([{ id: 2, name: null, at: null, doc: null, bytes: null, tags: null, yes: null, big: null }]);
    const arrays = await runner.query<unknown[]>('select id, name from things where id = any($1) order by id', [[1, 2]], { rowMode: 'array' });
    expect(arrays.rows).toEqual([
      [1, values[1]],
      [2, null],
    ]);
    expect((await runner.query('update things set yes = false where id > $1', [0])).affectedRows).toBe(2);
  });

  it('raises the database’s error and stays usable after it', async () => {
    const insert = 'insert into things (id, name) values ($1, $2)';
    await runner.query(insert, [10, 'first']);
    await expect(runner.query(insert, [10, 'again'])).rejects.toMatchObject({ code: '23505' });
    await expect(runner.query('select nonsense from things', [])).rejects.toMatchObject({ code: '42703' });
    await expect(runner.query('select $1::int', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect((await runner.query('select name from things where id = $1', [10])).rows).toEqual([{ name: 'first' }]);
  });

  it('inside a transaction: rolled back whole, and usable after', async () => {
    const insert = 'insert into things (id, name) values ($1, $2)';
    await expect(
      client.transaction(async () => {
        await runner.queryInTransaction(insert, [20, 'in a transaction']);
        await runner.queryInTransaction(insert, [20, 'duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await runner.query('select count(*)::int as n from things where id = $1', [20])).rows).toEqual([{ n: 0 }]);
    await runner.query(insert, [20, 'after']);
    expect((await runner.query('select name from things where id = $1', [20])).rows).toEqual([{ name: 'after' }]);
  });

  it('reads a table as it is now after it changed shape', async () => {
    await client.exec('create table reshaped (a int)');
    await runner.query('insert into reshaped values ($1)', [1]);
    const select = 'select * from reshaped where a = $1';
    expect((await runner.query(select, [1])).rows).toEqual([{ a: 1 }]);
    await client.exec('alter table reshaped add column b text');
    expect((await runner.query(select, [1])).rows).toEqual([{ a: 1, b: null }]);
  });

  it('plans each statement for its values: none is left prepared, however many texts were sent', async () => {
    const texts = Array.from({ length: 2_100 }, (_, i) => `select $1::int + ${i} as n`);
    for (const text of texts) await runner.query(text, [1]);
    expect((await runner.query(texts[0] ?? '', [1])).rows).toEqual([{ n: 1 }]);
    expect((await client.query('select count(*)::int as n from pg_prepared_statements')).rows).toEqual([{ n: 0 }]);
  });
});
