import { and, eq, isNull, max } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { passwordResets } from './auth.schema.js';

export type PasswordResetRow = typeof passwordResets.$inferSelect;

export async function insertPasswordReset(db: Db, reset: { userId: string; tokenHash: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db.insert(passwordResets).values(reset);
}

/** Marks the token used if it was not; undefined when it is unknown or already used (expiry is the caller's to judge). */
export async function spendPasswordReset(db: Db, tokenHash: string, now: Date): Promise<PasswordResetRow | undefined> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt)))
    .returning();
  return row;
}

/** When the newest link of the user still unused was issued, if there is one. */
export async function newestOutstandingResetAt(db: Db, userId: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: max(passwordResets.createdAt) })
    .from(passwordResets)
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
  return row?.at ?? undefined;
}

/** Every reset token of the user not used yet is spent, so no older link sets the password. */
export async function spendOutstandingPasswordResets(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}
