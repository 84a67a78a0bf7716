import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import type { MacroActions } from './macro-actions.js';
import { macros } from './macros.schema.js';

export type MacroRow = typeof macros.$inferSelect;

export interface MacroFields {
  name: string;
  body: string;
  actions: MacroActions;
}

export async function insertMacro(db: Db, macro: MacroFields & { ownerId: string | null }, now: Date): Promise<MacroRow> {
  const [row] = await db.insert(macros).values({ ...macro, createdAt: now, updatedAt: now }).returning();
  if (!row) throw new Error('macro insert returned nothing');
  return row;
}

export async function findMacro(db: Db, id: string): Promise<MacroRow | undefined> {
  const [row] = await db.select().from(macros).where(eq(macros.id, id));
  return row;
}

/** The shared macros and the user's own, by name (case-insensitively), optionally those whose name contains `q`. */
export async function listMacrosFor(db: Db, userId: string, q: string | undefined): Promise<MacroRow[]> {
  const named = q ? sql`strpos(lower(${macros.name}), lower(${q}::text)) > 0` : undefined;
  return db
    .select()
    .from(macros)
    .where(and(or(isNull(macros.ownerId), eq(macros.ownerId, userId)), named))
    .orderBy(sql`lower(${macros.name})`, asc(macros.id));
}

export async function updateMacro(db: Db, id: string, changes: Partial<MacroFields>, now: Date): Promise<MacroRow | undefined> {
  const [row] = await db.update(macros).set({ ...changes, updatedAt: now }).where(eq(macros.id, id)).returning();
  return row;
}

export async function deleteMacro(db: Db, id: string): Promise<void> {
  await db.delete(macros).where(eq(macros.id, id));
}
