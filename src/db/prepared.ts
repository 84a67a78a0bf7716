import type { Db } from './database.js';

/**
 * A query built once per database (or transaction) handle instead of once per call: drizzle
 * then skips rebuilding the SQL text, and node-postgres sends it as a named statement that
 * each pooled connection parses once. A prepared query runs on the handle it was built on,
 * so one built on the root database must never serve a caller inside a transaction: hence
 * one per handle.
 */
export function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  return (db) => {
    const existing = built.get(db);
    if (existing !== undefined) return existing;
    const query = build(db);
    built.set(db, query);
    return query;
  };
}
