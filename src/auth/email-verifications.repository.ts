import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { emailVerifications } from './auth.schema.js';

export type EmailVerificationRow = typeof emailVerifications.$inferSelect;

export async function insertEmailVerification(
  db: Db,
  row: { userId: string; email: string; tokenHash: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.insert(emailVerifications).values(row);
}

/** Marks the token used if it was not; undefined when it is unknown or already used (expiry is the caller's to judge). */
export async function spendEmailVerification(db: Db, tokenHash: string, now: Date): Promise<EmailVerificationRow | undefined> {
  const [row] = await db
    .update(emailVerifications)
    .set({ usedAt: now })
    .where(and(eq(emailVerifications.tokenHash, tokenHash), isNull(emailVerifications.usedAt)))
    .returning();
  return row;
}

/** Every link of the user not used yet is spent: once the address is proven (or a newer link sent), older ones do nothing. */
export async function spendOutstandingEmailVerifications(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .update(emailVerifications)
    .set({ usedAt: now })
    .where(and(eq(emailVerifications.userId, userId), isNull(emailVerifications.usedAt)));
}

/** How many verification mails the user was sent since `since`, and when the first of them went out. */
export async function verificationMailsSince(db: Db, userId: string, since: Date): Promise<{ count: number; first: Date | undefined; newest: Date | undefined }> {
  const rows = await db
    .select({ createdAt: emailVerifications.createdAt })
    .from(emailVerifications)
    .where(and(eq(emailVerifications.userId, userId), gt(emailVerifications.createdAt, since)))
    .orderBy(asc(emailVerifications.createdAt));
  return { count: rows.length, first: rows[0]?.createdAt, newest: rows.at(-1)?.createdAt };
}
