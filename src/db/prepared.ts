import { createHash } from 'node:crypto';
import { PgTransaction } from 'drizzle-orm/pg-core';
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

/** How many texts a pool prepares under a name from `statementName`. */
const NAMED_STATEMENTS = 100;
const namedTexts = new WeakMap<Db, Set<string>>();

/**
 * The name to prepare `text` under on each connection, so that PostgreSQL may plan it once
 * for any values; '' (unnamed, planned on every run) past the bound. The name is the text's
 * hash, so one name always means one text. Every named statement holds memory in each
 * connection for as long as it lives, so a pool names at most NAMED_STATEMENTS texts
 * (counted per root handle: a pool has one), however callers combine what shapes them. A
 * transaction's handle lives for one transaction: its statements stay unnamed.
 */
export function statementName(db: Db, text: string): string {
  if (db instanceof PgTransaction) return '';
  let names = namedTexts.get(db);
  if (!names) {
    names = new Set();
    namedTexts.set(db, names);
  }
  const name = `prepared_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  if (names.has(name)) return name;
  if (names.size >= NAMED_STATEMENTS) return '';
  names.add(name);
  return name;
}
