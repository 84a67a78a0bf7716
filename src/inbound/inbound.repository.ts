import { and, asc, count, desc, eq, gte, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Role } from '../authz/permissions.js';
import type { Db } from '../db/database.js';
import { rolePermissions } from '../users/users.schema.js';
import { inboundMails, type InboundStatus } from './inbound.schema.js';

export type InboundRow = typeof inboundMails.$inferSelect;

export interface NewInbound {
  mailboxKey: string;
  mailboxId: string | null;
  uidValidity?: number | undefined;
  uid?: number | undefined;
  messageId: string | undefined;
  raw: Buffer | null;
  size: number;
  receivedAt: Date;
  /** A mail refused before it was read (too large) is recorded as failed at once. */
  failed?: { reason: string; error: string; fromAddress: string | undefined; subject: string | undefined };
}

/** Records a mail; undefined when it is a duplicate (same Message-ID, or same mailbox + UIDVALIDITY + UID). */
export async function insertInbound(db: Db, mail: NewInbound): Promise<InboundRow | undefined> {
  const [row] = await db
    .insert(inboundMails)
    .values({
      mailboxKey: mail.mailboxKey,
      mailboxId: mail.mailboxId,
      uidValidity: mail.uidValidity ?? null,
      uid: mail.uid ?? null,
      messageId: mail.messageId ?? null,
      raw: mail.raw,
      size: mail.size,
      receivedAt: mail.receivedAt,
      ...(mail.failed
        ? {
            status: 'failed' as const,
            reason: mail.failed.reason,
            error: mail.failed.error,
            fromAddress: mail.failed.fromAddress ?? null,
            subject: mail.failed.subject ?? null,
            processedAt: mail.receivedAt,
          }
        : {}),
    })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** Whether a mailbox's message was taken already: the poller flags it again without downloading it. */
export async function hasUid(db: Db, mailboxKey: string, uidValidity: number, uid: number): Promise<boolean> {
  const [row] = await db
    .select({ id: inboundMails.id })
    .from(inboundMails)
    .where(and(eq(inboundMails.mailboxKey, mailboxKey), eq(inboundMails.uidValidity, uidValidity), eq(inboundMails.uid, uid)));
  return row !== undefined;
}

export async function findInbound(db: Db, id: string): Promise<InboundRow | undefined> {
  const [row] = await db.select().from(inboundMails).where(eq(inboundMails.id, id));
  return row;
}

/**
 * Locks a mail still waiting to be placed. Another process placing it holds the lock and is
 * skipped, and a placed mail no longer matches: each mail is placed exactly once.
 */
export async function lockReceived(tx: Db, id: string): Promise<InboundRow | undefined> {
  const [row] = await tx
    .select()
    .from(inboundMails)
    .where(and(eq(inboundMails.id, id), eq(inboundMails.status, 'received')))
    .for('update', { skipLocked: true });
  return row;
}

export interface InboundOutcome {
  status: Exclude<InboundStatus, 'received'>;
  reason?: string | null;
  error?: string | null;
  fromAddress?: string | null;
  subject?: string | null;
  ticketId?: string | null;
  ticketMessageId?: string | null;
  openedTicket?: boolean;
  processedAt: Date;
}

/** Records how a mail ended; only a mail still waiting is changed (false otherwise). */
export async function settleInbound(db: Db, id: string, outcome: InboundOutcome): Promise<boolean> {
  const rows = await db
    .update(inboundMails)
    .set(outcome)
    .where(and(eq(inboundMails.id, id), eq(inboundMails.status, 'received')))
    .returning({ id: inboundMails.id });
  return rows.length > 0;
}

/** Tickets the sender opened by mail since `since`: what the hourly cap counts. */
export async function ticketsOpenedBy(db: Db, fromAddress: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(inboundMails)
    .where(and(eq(inboundMails.openedTicket, true), eq(inboundMails.fromAddress, fromAddress), gte(inboundMails.receivedAt, since)));
  return row?.n ?? 0;
}

/** The ticket of an earlier mail of this conversation we took in (In-Reply-To/References naming it). */
export async function ticketOfMessageIds(db: Db, messageIds: readonly string[]): Promise<string | undefined> {
  if (messageIds.length === 0) return undefined;
  const [row] = await db
    .select({ ticketId: inboundMails.ticketId })
    .from(inboundMails)
    .where(and(inArray(inboundMails.messageId, [...messageIds]), isNotNull(inboundMails.ticketId)))
    .orderBy(desc(inboundMails.receivedAt))
    .limit(1);
  return row?.ticketId ?? undefined;
}

/** Mails still waiting to be placed, oldest first: after a crash, what the sweep places. */
export async function waitingInbound(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: inboundMails.id })
    .from(inboundMails)
    .where(eq(inboundMails.status, 'received'))
    .orderBy(asc(inboundMails.receivedAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

export interface FailedInboundCursor {
  receivedAt: string;
  id: string;
}

/** Failed and held mails, newest first, one keyset page (`limit + 1` rows tell whether there is more). */
export async function listFailedInbound(db: Db, page: { limit: number; after: FailedInboundCursor | undefined }) {
  const after = page.after;
  const afterCursor = after
    ? or(
        lt(inboundMails.receivedAt, new Date(after.receivedAt)),
        and(eq(inboundMails.receivedAt, new Date(after.receivedAt)), lt(inboundMails.id, after.id)),
      )
    : undefined;
  return db
    .select({
      id: inboundMails.id,
      status: inboundMails.status,
      reason: inboundMails.reason,
      error: inboundMails.error,
      fromAddress: inboundMails.fromAddress,
      subject: inboundMails.subject,
      mailboxId: inboundMails.mailboxId,
      messageId: inboundMails.messageId,
      size: inboundMails.size,
      receivedAt: inboundMails.receivedAt,
    })
    .from(inboundMails)
    .where(and(inArray(inboundMails.status, ['failed', 'held']), afterCursor))
    .orderBy(desc(inboundMails.receivedAt), desc(inboundMails.id))
    .limit(page.limit + 1);
}

/**
 * Puts a failed or held mail back to be placed again; a held one is marked released so the
 * sender's cap lets it through. False when no such mail (or one without its bytes) exists.
 */
export async function requeueInbound(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(inboundMails)
    .set({
      status: 'received',
      reason: sql`case when ${inboundMails.status} = 'held' then 'released' else null end`,
      error: null,
      processedAt: null,
    })
    .where(and(eq(inboundMails.id, id), inArray(inboundMails.status, ['failed', 'held']), isNotNull(inboundMails.raw)))
    .returning({ id: inboundMails.id });
  return rows.length > 0;
}

export async function discardInbound(db: Db, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(inboundMails)
    .set({ status: 'discarded', processedAt: now })
    .where(and(eq(inboundMails.id, id), inArray(inboundMails.status, ['failed', 'held'])))
    .returning({ id: inboundMails.id });
  return rows.length > 0;
}

export async function permissionsOfRole(db: Db, role: Role): Promise<string[]> {
  const rows = await db.select({ permission: rolePermissions.permission }).from(rolePermissions).where(eq(rolePermissions.role, role));
  return rows.map((row) => row.permission);
}
