import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/database.js';

/** A hash of every row of every table, by table: equal fingerprints mean nothing was written. */
export type Fingerprint = Map<string, string>;

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

let tableNames: Promise<string[]> | undefined;

/**
 * The application's tables (the migrations journal lives in its own schema), but for the
 * rate-limit counts: a refused request is counted too, by design, and they hold no data.
 */
async function tables(db: Db): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'rate_limit_counters'
        order by table_name`,
  );
  return rows.map((row) => row.name);
}

/**
 * One query hashes all tables (row text sorted, so physical order does not matter). The
 * table list is read once per process: every test database is a copy of the same schema.
 */
export async function fingerprint(db: Db): Promise<Fingerprint> {
  tableNames ??= tables(db);
  const names = await tableNames;
  const parts = names.map(
    (name) =>
      `select '${name}' as name, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as hash from ${quoteIdent(name)} t`,
  );
  const rows = await queryRows<{ name: string; hash: string }>(db, sql.raw(parts.join(' union all ')));
  return new Map(rows.map((row) => [row.name, row.hash]));
}

/** Names of the tables whose content differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}
