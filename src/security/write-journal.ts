import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';

/**
 * Which tables a request wrote to, for the sweeps that ask "did this refused request write
 * anything?" after every one of thousands of requests. A fingerprint (db-fingerprint.ts)
 * hashes every row of every table, 12–17 ms a time on PGlite; the journal is told by
 * triggers, so asking costs one index lookup.
 *
 * Row triggers on every application table but the rate-limit counts (a refused request is
 * counted too, by design) note the table in `test_writes.journal`. An update that leaves the
 * row as it was is not a write, as the fingerprint would not see it either; a write rolled
 * back leaves no note, since the note is part of the same transaction.
 */
export interface WriteJournal {
  /**
   * The tables written to since the last call (or since the journal was opened), sorted. It
   * reads the notes above the last one seen: a transaction holding a smaller note that
   * commits later would be missed, so it answers for one request at a time, as the sweeps send them.
   */
  take(): Promise<string[]>;
  /** Removes the triggers, so the database goes back to the next test as the migrations left it. */
  close(): Promise<void>;
}

const SCHEMA = 'test_writes';

export async function openWriteJournal(db: Db): Promise<WriteJournal> {
  await db.execute(sql.raw(`do $$
declare t record;
begin
  drop schema if exists ${SCHEMA} cascade;
  create schema ${SCHEMA};
  create table ${SCHEMA}.journal (id bigint generated always as identity primary key, table_name text not null);
  create function ${SCHEMA}.note() returns trigger language plpgsql as $note$
  begin
    insert into ${SCHEMA}.journal (table_name) values (tg_table_name);
    return null;
  end $note$;
  for t in select tablename from pg_tables where schemaname = 'public' and tablename <> 'rate_limit_counters' loop
    execute format('create trigger test_write_journal after insert or delete on public.%I for each row execute function ${SCHEMA}.note()', t.tablename);
    execute format('create trigger test_write_journal_update after update on public.%I for each row
      when (old::text is distinct from new::text) execute function ${SCHEMA}.note()', t.tablename);
  end loop;
end $$`));
  let seen = 0;
  return {
    take: async () => {
      const [since] = await queryRows<{ last: string; tables: string[] }>(
        db,
        sql`select coalesce(max(id), ${seen})::text as last, coalesce(array_agg(distinct table_name order by table_name), '{}') as tables
            from test_writes.journal where id > ${seen}`,
      );
      seen = Number(since?.last ?? seen);
      return since?.tables ?? [];
    },
    // The schema takes the trigger function with it, and the function every trigger that calls it.
    close: async () => {
      await db.execute(sql.raw(`drop schema ${SCHEMA} cascade`));
    },
  };
}
