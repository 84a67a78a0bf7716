import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';

/**
 * Copies what the migrations wrote (seed rows, sequence positions) into a `test_seed`
 * schema of a fresh database, with a function that puts the database back to exactly that.
 */
export async function keepMigratedState({ db }: Database): Promise<void> {
  await db.execute(sql.raw(`do $$
declare t record; has_rows boolean;
begin
  create schema test_seed;
  for t in select tablename from pg_tables where schemaname = 'public' loop
    execute format('select exists (select 1 from public.%I)', t.tablename) into has_rows;
    if has_rows then
      execute format('create table test_seed.%I as select * from public.%I', t.tablename, t.tablename);
    end if;
  end loop;
  create table test_seed.migrated_tables as select tablename from pg_tables where schemaname = 'public';
  create table test_seed.sequence_positions as
    select sequencename, last_value from pg_sequences where schemaname = 'public';
end $$`));
  // Foreign keys and triggers are off while it runs (replica role): rows go back in any order, as they were.
  await db.execute(sql.raw(`create function test_seed.reset() returns void language plpgsql as $$
declare t record; columns text;
begin
  perform set_config('session_replication_role', 'replica', true);
  -- Tables a test made itself go: the next test's database holds what the migrations made.
  for t in select tablename from pg_tables where schemaname = 'public'
      and tablename not in (select tablename from test_seed.migrated_tables) loop
    execute format('drop table public.%I cascade', t.tablename);
  end loop;
  for t in select tablename from pg_tables where schemaname = 'public' loop
    execute format('delete from public.%I', t.tablename);
  end loop;
  for t in select tablename from pg_tables where schemaname = 'test_seed' and tablename not in ('sequence_positions', 'migrated_tables') loop
    select string_agg(format('%I', column_name), ', ' order by ordinal_position) into columns
      from information_schema.columns
      where table_schema = 'public' and table_name = t.tablename and is_generated = 'NEVER';
    execute format('insert into public.%I (%s) overriding system value select %s from test_seed.%I',
      t.tablename, columns, columns, t.tablename);
  end loop;
  for t in select * from test_seed.sequence_positions loop
    if t.last_value is null then
      execute format('alter sequence public.%I restart', t.sequencename);
    else
      perform setval(format('public.%I', t.sequencename), t.last_value);
    end if;
  end loop;
  perform pg_advisory_unlock_all();
end $$`));
}

/** Empties a database a test used back to the state `keepMigratedState` kept. */
export async function emptyToMigratedState({ db }: Database): Promise<void> {
  await db.execute(sql`select test_seed.reset()`);
}
