import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';

/**
 * Copies what the migrations wrote (seed rows, sequence positions) into a `test_seed`
 * schema of a fresh database, with a function that puts the database back to exactly that.
 * The function's statements are written out here, once: reading the catalog for them on
 * every reset cost three times what the deletes themselves do, before every test.
 */
export async function keepMigratedState({ db }: Database): Promise<void> {
  await db.execute(sql.raw(`do $do$
declare t record; has_rows boolean; columns text; migrated text[] := '{}'; statements text := '';
begin
  create schema test_seed;
  for t in select tablename from pg_tables where schemaname = 'public' order by tablename loop
    migrated := migrated || t.tablename::text;
    statements := statements || format(E'delete from public.%I;\n', t.tablename);
    execute format('select exists (select 1 from public.%I)', t.tablename) into has_rows;
    if has_rows then
      execute format('create table test_seed.%I as select * from public.%I', t.tablename, t.tablename);
      select string_agg(format('%I', column_name), ', ' order by ordinal_position) into columns
        from information_schema.columns
        where table_schema = 'public' and table_name = t.tablename and is_generated = 'NEVER';
      statements := statements || format(E'insert into public.%I (%s) overriding system value select %s from test_seed.%I;\n',
        t.tablename, columns, columns, t.tablename);
    end if;
  end loop;
  for t in select sequencename, last_value from pg_sequences where schemaname = 'public' loop
    statements := statements || case when t.last_value is null
      then format(E'alter sequence public.%I restart;\n', t.sequencename)
      else format(E'perform setval(%L, %s);\n', format('public.%I', t.sequencename), t.last_value) end;
  end loop;
  -- Foreign keys and triggers are off while it runs (replica role): rows go back in any order, as they were.
  execute format($function$create function test_seed.reset() returns void language plpgsql as $reset$
declare t record;
begin
  perform set_config('session_replication_role', 'replica', true);
  -- Tables a test made itself go: the next test's database holds what the migrations made.
  for t in select tablename from pg_tables where schemaname = 'public' and tablename <> all(%L::text[]) loop
    execute format('drop table public.%%I cascade', t.tablename);
  end loop;
%s  perform pg_advisory_unlock_all();
end $reset$
$function$, migrated, statements);
end $do$`));
}

/** Empties a database a test used back to the state `keepMigratedState` kept. */
export async function emptyToMigratedState({ db }: Database): Promise<void> {
  await db.execute(sql`select test_seed.reset()`);
}
