import { and, asc, eq, gt, lt, or } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { mailboxes, mailboxLeases } from './mailboxes.schema.js';

export type MailboxRow = typeof mailboxes.$inferSelect;
export type NewMailbox = Omit<typeof mailboxes.$inferInsert, 'createdAt' | 'updatedAt'>;
export type MailboxChanges = Partial<Omit<NewMailbox, 'id' | 'pushSecretHash'>>;

export async function insertMailbox(db: Db, mailbox: NewMailbox, now: Date): Promise<MailboxRow> {
  const [row] = await db.insert(mailboxes).values({ ...mailbox, createdAt: now, updatedAt: now }).returning();
  if (!row) throw new Error('mailbox insert returned nothing');
  return row;
}

export async function findMailbox(db: Db, id: string): Promise<MailboxRow | undefined> {
  const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, id));
  return row;
}

/** Oldest first, keyset on (created_at, id). */
export async function listMailboxes(db: Db, page: { after: { createdAt: Date; id: string } | undefined; limit: number }): Promise<MailboxRow[]> {
  const { after } = page;
  return db
    .select()
    .from(mailboxes)
    .where(after ? or(gt(mailboxes.createdAt, after.createdAt), and(eq(mailboxes.createdAt, after.createdAt), gt(mailboxes.id, after.id))) : undefined)
    .orderBy(asc(mailboxes.createdAt), asc(mailboxes.id))
    .limit(page.limit + 1);
}

export async function enabledMailboxes(db: Db): Promise<MailboxRow[]> {
  return db.select().from(mailboxes).where(eq(mailboxes.enabled, true)).orderBy(asc(mailboxes.createdAt));
}

export async function updateMailbox(db: Db, id: string, changes: MailboxChanges, now: Date): Promise<MailboxRow | undefined> {
  const [row] = await db
    .update(mailboxes)
    .set({ ...changes, updatedAt: now })
    .where(eq(mailboxes.id, id))
    .returning();
  return row;
}

export async function deleteMailbox(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(mailboxes).where(eq(mailboxes.id, id)).returning({ id: mailboxes.id });
  return rows.length > 0;
}

/**
 * Takes or renews the lease on polling a mailbox: granted when nobody holds it, when it ran
 * out, or when `holder` has it already. One statement, so two processes cannot both win.
 */
export async function takeLease(db: Db, lease: { mailboxKey: string; holder: string; now: Date; until: Date }): Promise<boolean> {
  const rows = await db
    .insert(mailboxLeases)
    .values({ mailboxKey: lease.mailboxKey, holder: lease.holder, expiresAt: lease.until })
    .onConflictDoUpdate({
      target: mailboxLeases.mailboxKey,
      set: { holder: lease.holder, expiresAt: lease.until },
      setWhere: or(eq(mailboxLeases.holder, lease.holder), lt(mailboxLeases.expiresAt, lease.now)),
    })
    .returning({ holder: mailboxLeases.holder });
  return rows.length > 0;
}

export async function releaseLease(db: Db, mailboxKey: string, holder: string): Promise<void> {
  await db.delete(mailboxLeases).where(and(eq(mailboxLeases.mailboxKey, mailboxKey), eq(mailboxLeases.holder, holder)));
}
