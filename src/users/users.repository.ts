import { and, count, desc, eq, ilike, or, sql } from 'drizzle-orm';
import type { Role } from '../authz/permissions.js';
import { activeStaffSql, CUSTOMER_ROLE, MANAGER_ROLE } from '../authz/roles.js';
import type { Db } from '../db/database.js';
import { conflict } from '../http/errors.js';
import { users } from './users.schema.js';

export type UserRow = typeof users.$inferSelect;

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  /**
   * When the address was proven; null for a self-registered account, which gets no mail
   * but its verification link until the owner follows it (or resets the password).
   */
  emailVerifiedAt: Date | null;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export async function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ ...user, email: normalizeEmail(user.email) })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!row) throw conflict('email_taken', 'An account with this email already exists');
  return row;
}

/**
 * An account whose address counts as proven from the start: staff a manager or the CLI
 * creates (someone vouched for them), and customers mail intake creates from a mail that
 * arrived from the address (the mailbox vouches for it).
 */
export function insertVerifiedUser(db: Db, user: Omit<NewUser, 'emailVerifiedAt'>, verifiedAt: Date): Promise<UserRow> {
  return insertUser(db, { ...user, emailVerifiedAt: verifiedAt });
}

/** Records that the owner proved the address; an earlier proof keeps its time. */
export async function markEmailVerified(db: Db, id: string, now: Date): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, normalizeEmail(email)));
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface UserListFilter {
  role: Role | undefined;
  q: string | undefined;
  after: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** Newest first, keyset on (created_at, id); one row more than asked tells whether a next page exists. */
export async function listUsers(db: Db, filter: UserListFilter): Promise<UserRow[]> {
  const pattern = filter.q ? `%${escapeLike(filter.q.toLowerCase())}%` : undefined;
  return db
    .select()
    .from(users)
    .where(
      and(
        filter.role ? eq(users.role, filter.role) : undefined,
        pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined,
        filter.after
          ? sql`(${users.createdAt}, ${users.id}) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(filter.limit + 1);
}

/** Active customers whose name or email contains `q`, by name: whom staff may open a ticket for. */
export async function listActiveCustomers(db: Db, q: string | undefined, limit: number): Promise<Pick<UserRow, 'id' | 'name' | 'email'>[]> {
  const pattern = q ? `%${escapeLike(q.toLowerCase())}%` : undefined;
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.role, CUSTOMER_ROLE), eq(users.active, true), pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined))
    .orderBy(users.name, users.id)
    .limit(limit);
}

export async function listAssignable(db: Db): Promise<Pick<UserRow, 'id' | 'name' | 'role'>[]> {
  return db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(activeStaffSql(users))
    .orderBy(users.name);
}

const isActiveManager = and(eq(users.role, MANAGER_ROLE), eq(users.active, true));

/** Locks every active manager row, so two concurrent demotions cannot both pass the last-manager check. */
export async function lockActiveManagers(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(isActiveManager)
    .for('update');
  return rows.map((row) => row.id);
}

/** Holds the user's row until the transaction ends: decisions about them are taken one at a time. */
export async function lockUser(db: Db, id: string): Promise<void> {
  await db.select({ id: users.id }).from(users).where(eq(users.id, id)).for('update');
}

export async function countActiveManagers(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(isActiveManager);
  return row?.n ?? 0;
}

export async function updateUserRow(
  db: Db,
  id: string,
  changes: Partial<Pick<UserRow, 'name' | 'role' | 'active' | 'passwordHash'>>,
  now: Date,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...changes, updatedAt: now })
    .where(eq(users.id, id))
    .returning();
  return row;
}
