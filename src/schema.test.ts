import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from './db/database.js';
import * as schema from './schema.js';
import { createTestDatabase, type TestDatabase } from './test/databases.js';

/**
 * Migrations are SQL written by hand; the drizzle tables are what queries are typed from.
 * This keeps the two one truth: every table, column, index and check the migrations make is
 * declared beside its drizzle table, and nothing is declared that they do not make.
 */

const declaredTables = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => value instanceof PgTable)
  .map((table) => getTableConfig(table));

interface Shape {
  columns: string[];
  indexes: string[];
  checks: string[];
}

function declaredShape(): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  for (const table of declaredTables) {
    shapes.set(table.name, {
      columns: table.columns.map((column) => `${column.name} ${column.notNull ? 'not null' : 'null'}`).sort(),
      indexes: table.indexes.flatMap((index) => (index.config.name ? [index.config.name] : [])).sort(),
      checks: table.checks.map((check) => check.name).sort(),
    });
  }
  return shapes;
}

async function migratedShape(database: TestDatabase): Promise<Map<string, Shape>> {
  const columns = await queryRows<{ table: string; column: string; nullable: string }>(
    database.db,
    sql`select table_name as "table", column_name as "column", is_nullable as nullable
        from information_schema.columns where table_schema = 'public'`,
  );
  // Primary keys and unique constraints bring their own indexes; only the indexes made for queries are declared.
  const indexes = await queryRows<{ table: string; name: string }>(
    database.db,
    sql`select i.tablename as "table", i.indexname as name from pg_indexes i
        where i.schemaname = 'public'
          and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  const checks = await queryRows<{ table: string; name: string }>(
    database.db,
    sql`select t.relname as "table", c.conname as name from pg_constraint c
        join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = 'public' and c.contype = 'c'`,
  );
  const shapes = new Map<string, Shape>();
  const shapeOf = (table: string): Shape => {
    let shape = shapes.get(table);
    if (!shape) shapes.set(table, (shape = { columns: [], indexes: [], checks: [] }));
    return shape;
  };
  for (const row of columns) shapeOf(row.table).columns.push(`${row.column} ${row.nullable === 'NO' ? 'not null' : 'null'}`);
  for (const row of indexes) shapeOf(row.table).indexes.push(row.name);
  for (const row of checks) shapeOf(row.table).checks.push(row.name);
  for (const shape of shapes.values()) {
    shape.columns.sort();
    shape.indexes.sort();
    shape.checks.sort();
  }
  return shapes;
}

describe('the drizzle schema', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await database.close();
  });

  it('declares exactly the tables, columns, indexes and checks the migrations make', async () => {
    const migrated = await migratedShape(database);
    const declared = declaredShape();
    expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(migrated));
  });

  it('holds every enum column to the vocabulary its constant names, in the migrated checks too', async () => {
    const definitions = await queryRows<{ table: string; definition: string }>(
      database.db,
      sql`select t.relname as "table", pg_get_constraintdef(c.oid) as definition from pg_constraint c
          join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
          where n.nspname = 'public' and c.contype = 'c'`,
    );
    const enumColumns = declaredTables.flatMap((table) =>
      table.columns.flatMap((column) => (column.enumValues ? [{ table: table.name, column: column.name, values: column.enumValues }] : [])),
    );
    const checked = enumColumns.flatMap(({ table, column, values }) => {
      const check = definitions.find((row) => row.table === table && new RegExp(`\\b${column}\\b`).test(row.definition));
      if (!check) return [];
      const literals = [...check.definition.matchAll(/'([^']+)'::text/g)].map((match) => match[1]);
      expect(literals.sort(), `${table}.${column}`).toEqual([...values].sort());
      return [`${table}.${column}`];
    });
    expect(checked).toEqual(expect.arrayContaining(['users.role', 'tickets.status', 'tickets.priority', 'sla_policies.priority']));
  });
});
