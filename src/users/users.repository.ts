import { eq } from 'drizzle-orm';
import type { Role } from '../authz/permissions.js';
import type { Db } from '../db/database.js';
import { conflict } from '../http/errors.js';
import { users } from './users.schema.js';

export type UserRow = typeof users.$inferSelect;

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
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

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, normalizeEmail(email)));
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}
