import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { AppContext } from '../context.js';
import { decodeCursor, encodeCursor, isCursorInstant } from '../http/cursor.js';
import { notFound, unauthenticated } from '../http/errors.js';
import { mailboxOfPushSecret, pushSecretMatches } from '../mailboxes/mailbox-secrets.js';
import { findMailbox } from '../mailboxes/mailboxes.repository.js';
import { discardInbound, findInbound, listFailedInbound, requeueInbound, type FailedInboundCursor } from './inbound.repository.js';
import { placeMail, takeInMail, type IntakeResult } from './intake.service.js';

export interface FailedInboundDto {
  id: string;
  status: 'failed' | 'held';
  reason: string | null;
  error: string | null;
  from: string | null;
  subject: string | null;
  mailboxId: string | null;
  messageId: string | null;
  size: number;
  receivedAt: string;
}

const isFailedCursor = (value: unknown): value is FailedInboundCursor => {
  if (typeof value !== 'object' || value === null) return false;
  const { receivedAt, id } = value as Record<string, unknown>;
  return isCursorInstant(receivedAt) && typeof id === 'string';
};

/** Mail that could not be placed, and mail held over a sender's hourly cap, newest first. */
export async function readFailedInbound(ctx: AppContext, actor: Actor, query: { limit?: number; cursor?: string }) {
  authorize(actor, 'inbound.manage');
  const limit = query.limit ?? 25;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isFailedCursor);
  const rows = await listFailedInbound(ctx.database.db, { limit, after });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items: FailedInboundDto[] = page.map(({ fromAddress, receivedAt, status, ...row }) => ({
    ...row,
    status: status === 'held' ? 'held' : 'failed',
    from: fromAddress,
    receivedAt: receivedAt.toISOString(),
  }));
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ receivedAt: last.receivedAt.toISOString(), id: last.id }) : null,
  };
}

const inboundNotFound = () => notFound('inbound_mail_not_found', 'No failed or held mail with this id that can be placed again');

/** Places a failed mail again, or releases a held one past its sender's cap; answers how it ended this time. */
export async function retryInbound(ctx: AppContext, actor: Actor, id: string) {
  authorize(actor, 'inbound.manage');
  if (!(await requeueInbound(ctx.database.db, id))) throw inboundNotFound();
  await placeMail(ctx, id);
  const row = await findInbound(ctx.database.db, id);
  return { id, status: row?.status ?? 'received', reason: row?.reason ?? null, ticketId: row?.ticketId ?? null };
}

export async function discardFailedInbound(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'inbound.manage');
  if (!(await discardInbound(ctx.database.db, id, ctx.now()))) throw inboundNotFound();
}

/**
 * A mail a provider pushed, authenticated by its mailbox's secret (`Authorization: Bearer`):
 * fed to the same intake as polled mail.
 */
export async function takePushedMail(ctx: AppContext, authorization: string | undefined, raw: Buffer): Promise<IntakeResult> {
  const secret = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const mailboxId = mailboxOfPushSecret(secret);
  const mailbox = mailboxId ? await findMailbox(ctx.database.db, mailboxId) : undefined;
  if (!mailbox || !mailbox.enabled || !pushSecretMatches(secret, mailbox.pushSecretHash)) {
    throw unauthenticated('Send the mailbox’s push secret as Authorization: Bearer <secret>');
  }
  return takeInMail(ctx, { mailboxKey: mailbox.id, mailboxId: mailbox.id }, raw);
}
