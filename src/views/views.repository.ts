import { asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import { savedViews } from './views.schema.js';

export type ViewRow = typeof savedViews.$inferSelect;
export type ViewFields = Pick<ViewRow, 'name' | 'filters' | 'sort' | 'sortOrder'>;

export async function insertView(db: Db, view: ViewFields & { ownerId: string | null }, now: Date): Promise<ViewRow> {
  const [row] = await db.insert(savedViews).values({ ...view, createdAt: now, updatedAt: now }).returning();
  if (!row) throw new Error('view insert returned nothing');
  return row;
}

export async function findView(db: Db, id: string): Promise<ViewRow | undefined> {
  const [row] = await db.select().from(savedViews).where(eq(savedViews.id, id));
  return row;
}

/** The shared views and the user's own, shared first, then by name. */
export async function listViewsFor(db: Db, userId: string): Promise<ViewRow[]> {
  return db
    .select()
    .from(savedViews)
    .where(or(isNull(savedViews.ownerId), eq(savedViews.ownerId, userId)))
    .orderBy(sql`${savedViews.ownerId} is not null`, sql`lower(${savedViews.name})`, asc(savedViews.id))
    .prepare(PLAN_ONCE)
    .execute();
}

export async function updateView(db: Db, id: string, changes: Partial<ViewFields>, now: Date): Promise<ViewRow | undefined> {
  const [row] = await db.update(savedViews).set({ ...changes, updatedAt: now }).where(eq(savedViews.id, id)).returning();
  return row;
}

export async function deleteView(db: Db, id: string): Promise<void> {
  await db.delete(savedViews).where(eq(savedViews.id, id));
}
