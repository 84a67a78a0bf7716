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

/**
 * For a query whose text depends on a few choices (which filters are set, an order) but not
 * on the values: built once per handle and shape (compared as JSON), then run with the values
 * through placeholders. At most `capacity` shapes are kept per handle, the least recently used
 * dropped first, so callers cannot grow it without bound by trying combinations.
 */
export function builtPerShape<Shape, T>(build: (db: Db, shape: Shape) => T, capacity = 200): (db: Db, shape: Shape) => T {
  const built = new WeakMap<Db, Map<string, T>>();
  return (db, shape) => {
    const key = JSON.stringify(shape);
    let byShape = built.get(db);
    if (!byShape) {
      byShape = new Map();
      built.set(db, byShape);
    }
    const existing = byShape.get(key);
    if (existing !== undefined) {
      // Re-inserted, so the map's order is the order of last use.
      byShape.delete(key);
      byShape.set(key, existing);
      return existing;
    }
    const query = build(db, shape);
    byShape.set(key, query);
    if (byShape.size > capacity) byShape.delete(byShape.keys().next().value as string);
    return query;
  };
}
