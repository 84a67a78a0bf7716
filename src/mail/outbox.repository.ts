import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import { mailOutbox } from './mail.schema.js';

export type MailRow = typeof mailOutbox.$inferSelect;

/** The channel a worker LISTENs on; an insert's trigger (migration 0008) notifies it on commit. */
export const MAIL_OUTBOX_CHANNEL = 'mail_outbox';

export interface OutgoingMail {
  /** What caused the mail (e.g. `password_reset`, `ticket_created`); for operators, not recipients. */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Message-ID, In-Reply-To, References; a Message-ID is generated when absent. */
  headers?: Record<string, string>;
}

/** What enqueueing needs from the application context. */
export interface EnqueueContext {
  config: Pick<Config, 'publicUrl'>;
  now: () => Date;
}

/** A fresh Message-ID in the desk's own domain, e.g. `<3f1c…@help.example.com>`. */
export function newMessageId(config: Pick<Config, 'publicUrl'>, localPart: string = randomUUID()): string {
  return `<${localPart}@${new URL(config.publicUrl).hostname}>`;
}

const hasHeader = (headers: Record<string, string>, name: string): boolean =>
  Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase());

/** A mail as it is queued: the columns its sender sets; the outbox keeps the rest (id, status, attempts…). */
export type QueuedMail = Required<
  Pick<typeof mailOutbox.$inferInsert, 'kind' | 'toAddress' | 'subject' | 'textBody' | 'htmlBody' | 'headers' | 'createdAt' | 'nextAttemptAt'>
>;

/** A mail as its outbox row, due now; the Message-ID is fixed here so every retry sends the same message. */
export function outboxRow(message: OutgoingMail, ctx: EnqueueContext): QueuedMail {
  const headers = { ...message.headers };
  if (!hasHeader(headers, 'Message-ID')) headers['Message-ID'] = newMessageId(ctx.config);
  const now = ctx.now();
  return {
    kind: message.kind,
    toAddress: message.to,
    subject: message.subject,
    textBody: message.text,
    htmlBody: message.html,
    headers,
    createdAt: now,
    nextAttemptAt: now,
  };
}

/**
 * Queues a mail. Pass the transaction of the change that causes the mail: the mail is
 * sent only if that change commits, and the NOTIFY wakes a worker exactly then.
 */
export async function enqueueMail(db: Db, message: OutgoingMail, ctx: EnqueueContext): Promise<MailRow> {
  const [row] = await db.insert(mailOutbox).values(outboxRow(message, ctx)).returning();
  if (!row) throw new Error('Inserting into mail_outbox returned no row');
  return row;
}

/** An insert wakes the workers by itself; a mail put back in the queue needs this. */
async function notifyWorkers(db: Db): Promise<void> {
  await db.execute(sql`select pg_notify(${MAIL_OUTBOX_CHANNEL}, '')`);
}

export interface ClaimOptions {
  now: Date;
  limit: number;
  /** How long the claim holds; a mail whose worker died is sent again after it. */
  leaseMs: number;
  maxAttempts: number;
}

export interface ClaimedMail extends MailRow {
  claimToken: string;
}

/**
 * Claims due mails for one worker, in one statement: it locks the due rows (skipping rows
 * another worker holds), then moves them out of the due window for the lease and counts the
 * attempt, so no other process picks them up while this one sends outside any transaction.
 */
export async function claimDueMails(db: Db, options: ClaimOptions): Promise<ClaimedMail[]> {
  const claimToken = randomUUID();
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.status, 'pending'), lte(mailOutbox.nextAttemptAt, options.now), lt(mailOutbox.attempts, options.maxAttempts)))
    .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(mailOutbox)
    .set({ attempts: sql`${mailOutbox.attempts} + 1`, nextAttemptAt: leaseUntil, claimToken })
    .where(inArray(mailOutbox.id, due))
    .returning()
    .prepare(PLAN_ONCE)
    .execute();
  return rows.map((row) => ({ ...row, claimToken })).sort((a, b) => a.id - b.id);
}

/**
 * A worker that died while sending its mail's last attempt leaves a pending row with no
 * attempts left; once the lease is over it is failed, like any other last attempt.
 */
export async function failAbandonedMails(db: Db, options: { now: Date; maxAttempts: number }): Promise<number> {
  const rows = await db
    .update(mailOutbox)
    .set({ status: 'failed', lastError: sql`coalesce(${mailOutbox.lastError}, 'The last attempt was interrupted')`, claimToken: null })
    .where(
      and(
        eq(mailOutbox.status, 'pending'),
        lte(mailOutbox.nextAttemptAt, options.now),
        gte(mailOutbox.attempts, options.maxAttempts),
      ),
    )
    .returning({ id: mailOutbox.id })
    .prepare(PLAN_ONCE)
    .execute();
  return rows.length;
}

const stillClaimed = (mail: ClaimedMail): SQL | undefined =>
  and(eq(mailOutbox.id, mail.id), eq(mailOutbox.status, 'pending'), eq(mailOutbox.claimToken, mail.claimToken));

/** Returns false when the claim was lost (lease expired and another worker took the mail). */
export async function markMailSent(db: Db, mail: ClaimedMail, now: Date): Promise<boolean> {
  const rows = await db
    .update(mailOutbox)
    .set({ status: 'sent', sentAt: now, lastError: null, claimToken: null })
    .where(stillClaimed(mail))
    .returning({ id: mailOutbox.id })
    .prepare(PLAN_ONCE)
    .execute();
  return rows.length > 0;
}

/** Hands a claimed but unsent mail back, due now, without counting the attempt. */
export async function releaseClaim(db: Db, mail: ClaimedMail, now: Date): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ attempts: sql`${mailOutbox.attempts} - 1`, nextAttemptAt: now, claimToken: null })
    .where(stillClaimed(mail));
}

export interface BackoffOptions {
  maxAttempts: number;
  /** Wait after the first failure; doubles with each further failure. */
  baseMs: number;
  maxMs: number;
}

/** Wait before the next attempt after `attempts` failed ones: base, 2·base, 4·base, … capped. */
export function backoffDelayMs(attempts: number, options: Pick<BackoffOptions, 'baseMs' | 'maxMs'>): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(options.maxMs, options.baseMs * 2 ** Math.min(exponent, 30));
}

const ERROR_TEXT_LIMIT = 2000;

/** Records a failed attempt: due again after the backoff, or failed for good after the last one. */
export async function recordMailFailure(
  db: Db,
  mail: ClaimedMail,
  error: string,
  now: Date,
  backoff: BackoffOptions,
): Promise<'retrying' | 'failed' | 'claim_lost'> {
  const final = mail.attempts >= backoff.maxAttempts;
  const nextAttemptAt = new Date(now.getTime() + backoffDelayMs(mail.attempts, backoff));
  const rows = await db
    .update(mailOutbox)
    .set({
      status: final ? 'failed' : 'pending',
      lastError: error.slice(0, ERROR_TEXT_LIMIT),
      nextAttemptAt: final ? now : nextAttemptAt,
      claimToken: null,
    })
    .where(stillClaimed(mail))
    .returning({ id: mailOutbox.id });
  if (rows.length === 0) return 'claim_lost';
  return final ? 'failed' : 'retrying';
}

export interface FailedMailCursor {
  createdAt: string;
  id: number;
}

/** Failed mails, newest first, one keyset page (`limit + 1` rows tell whether there is more). */
export async function listFailedMails(db: Db, page: { limit: number; after: FailedMailCursor | undefined }): Promise<MailRow[]> {
  const after = page.after;
  const afterCursor = after
    ? or(
        lt(mailOutbox.createdAt, new Date(after.createdAt)),
        and(eq(mailOutbox.createdAt, new Date(after.createdAt)), lt(mailOutbox.id, after.id)),
      )
    : undefined;
  return db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.status, 'failed'), afterCursor))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(page.limit + 1);
}

/** Puts a failed mail back in the queue with a fresh set of attempts; false if no such failed mail. */
export async function retryFailedMail(db: Db, id: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(mailOutbox)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, claimToken: null })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'failed')))
    .returning({ id: mailOutbox.id });
  if (rows.length === 0) return false;
  await notifyWorkers(db);
  return true;
}

export async function findMail(db: Db, id: number): Promise<MailRow | undefined> {
  const [row] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  return row;
}
