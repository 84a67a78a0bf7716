import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import { decodeCursor, encodeCursor, isCursorInstant } from '../http/cursor.js';
import { notFound } from '../http/errors.js';
import { listFailedMails, retryFailedMail, type FailedMailCursor, type MailRow } from './outbox.repository.js';

export interface FailedMailDto {
  id: string;
  kind: string;
  to: string;
  subject: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

const presentFailedMail = (row: MailRow): FailedMailDto => ({
  id: String(row.id),
  kind: row.kind,
  to: row.toAddress,
  subject: row.subject,
  attempts: row.attempts,
  lastError: row.lastError,
  createdAt: row.createdAt.toISOString(),
});

const isFailedMailCursor = (value: unknown): value is FailedMailCursor => {
  if (typeof value !== 'object' || value === null) return false;
  const { createdAt, id } = value as Record<string, unknown>;
  return isCursorInstant(createdAt) && Number.isSafeInteger(id);
};

export async function readFailedMails(ctx: AppContext, actor: Actor, query: { limit?: number; cursor?: string }) {
  authorize(actor, 'mail.manage');
  const limit = query.limit ?? 25;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isFailedMailCursor);
  const rows = await listFailedMails(ctx.database.db, { limit, after });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(presentFailedMail),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

/** Queues a failed mail again with a fresh set of attempts. */
export async function retryMail(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'mail.manage');
  const retried = await retryFailedMail(ctx.database.db, Number(id), ctx.now());
  if (!retried) throw notFound('mail_not_found', 'No failed mail with this id');
}
