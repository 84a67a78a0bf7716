import { randomBytes } from 'node:crypto';
import type { Attachment } from 'mailparser';
import { uploadAttachment } from '../attachments/attachments.service.js';
import type { Actor } from '../authz/actor.js';
import { isPermission } from '../authz/permissions.js';
import { isActiveStaff, isStaff } from '../authz/roles.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/database.js';
import { isEmailAddress } from '../email-address.js';
import { DomainError } from '../http/errors.js';
import { postMessage } from '../tickets/ticket-messages.service.js';
import { findTicket } from '../tickets/tickets.repository.js';
import { createTicket } from '../tickets/tickets.service.js';
import { hashPassword } from '../users/passwords.js';
import { findUserByEmail, insertVerifiedUser, type UserRow } from '../users/users.repository.js';
import {
  findInbound,
  insertInbound,
  lockReceived,
  permissionsOfRole,
  settleInbound,
  ticketOfMessageIds,
  ticketsOpenedBy,
  waitingInbound,
  type InboundOutcome,
  type InboundRow,
} from './inbound.repository.js';
import { rawMessageId, readMail, type ReadMail } from './mail-reading.js';
import { loadMembership } from '../teams/membership.repository.js';

/** Where a mail came from: a mailbox's key (`env` for IMAP_URL's), and its UID there when polled. */
export interface MailSource {
  mailboxKey: string;
  mailboxId: string | null;
  uidValidity?: number | undefined;
  uid?: number | undefined;
}

export type IntakeResult =
  | { duplicate: true }
  | { duplicate: false; id: string; status: InboundOutcome['status'] | 'received'; ticketId: string | null };

const HOUR_MS = 3_600_000;
const MAX_SUBJECT = 200;
const MAX_TEXT = 20_000;
const ERROR_TEXT_LIMIT = 2000;

/**
 * Takes one mail in: its raw bytes are committed first (a duplicate, by Message-ID or by
 * mailbox + UIDVALIDITY + UID, is not stored again), then it is placed. The caller may touch
 * the mailbox as soon as this returns: whatever happens while placing, the mail is kept.
 */
export async function takeInMail(ctx: AppContext, source: MailSource, raw: Buffer): Promise<IntakeResult> {
  const now = ctx.now();
  const messageId = rawMessageId(raw);
  if (raw.length > ctx.config.inbound.maxBytes) return recordTooLarge(ctx, source, { size: raw.length, messageId });
  const row = await insertInbound(ctx.database.db, { ...source, messageId, raw, size: raw.length, receivedAt: now });
  if (!row) return { duplicate: true };
  const outcome = await placeMail(ctx, row.id);
  return { duplicate: false, id: row.id, status: outcome?.status ?? 'received', ticketId: outcome?.ticketId ?? null };
}

/** A mail over the size limit: recorded as failed without its bytes (a poller never downloads it). */
export async function recordTooLarge(
  ctx: AppContext,
  source: MailSource,
  mail: { size: number; messageId: string | undefined; fromAddress?: string; subject?: string },
): Promise<IntakeResult> {
  const limit = ctx.config.inbound.maxBytes;
  const row = await insertInbound(ctx.database.db, {
    ...source,
    messageId: mail.messageId,
    raw: null,
    size: mail.size,
    receivedAt: ctx.now(),
    failed: {
      reason: 'too_large',
      error: `The mail is ${mail.size} bytes, over the limit of ${limit}`,
      fromAddress: mail.fromAddress,
      subject: mail.subject,
    },
  });
  return row ? { duplicate: false, id: row.id, status: 'failed', ticketId: null } : { duplicate: true };
}

type Decision =
  | { kind: 'settle'; status: 'ignored' | 'failed' | 'held'; reason: string; error?: string }
  | { kind: 'reply'; ticketId: string; author: UserRow }
  | { kind: 'open'; author: UserRow | undefined };

const settle = (status: 'ignored' | 'failed' | 'held', reason: string, error?: string): Decision => ({ kind: 'settle', status, reason, error });

const messageIdsIn = (values: readonly string[]): string[] => values.flatMap((value) => value.match(/<[^<>\s]{1,900}>/g) ?? []);

/**
 * The ticket a reply belongs to: a signed token (reply address, or our Message-ID repeated in
 * In-Reply-To/References) first, else an earlier mail of the conversation we took in. Only the
 * ticket's requester or staff reach it that way: a token or Message-ID someone else got hold of
 * opens a ticket of their own instead, never a message on a stranger's ticket.
 */
async function ticketReplied(ctx: AppContext, mail: ReadMail, author: UserRow | undefined): Promise<string | undefined> {
  if (!author) return undefined;
  const db = ctx.database.db;
  const ticketId = ctx.threads.ticketIn([...mail.recipients, ...mail.parents]) ?? (await ticketOfMessageIds(db, messageIdsIn(mail.parents)));
  if (!ticketId) return undefined;
  const ticket = await findTicket(db, ticketId, undefined);
  if (!ticket) return undefined;
  if (isActiveStaff(author)) return ticket.id;
  // A customer answering a closed ticket starts a new one, as the web app has them do.
  return ticket.requesterId === author.id && ticket.status !== 'closed' ? ticket.id : undefined;
}

async function decide(ctx: AppContext, row: InboundRow, mail: ReadMail): Promise<Decision> {
  const { from } = mail;
  if (!from || !isEmailAddress(from.address)) return settle('failed', 'no_sender', 'The mail names no valid sender address');
  const ownAddress = ctx.config.inbound.replyAddress?.toLowerCase();
  if ((mail.messageId && ctx.threads.isOwnMessageId(mail.messageId)) || from.address === ownAddress) {
    return settle('ignored', 'own_message');
  }
  if (mail.automatic) return settle('ignored', mail.automatic);
  const author = await findUserByEmail(ctx.database.db, from.address);
  if (author && !author.active) return settle('failed', 'inactive_sender', 'The sender’s account is deactivated');
  const ticketId = await ticketReplied(ctx, mail, author);
  if (ticketId && author) return { kind: 'reply', ticketId, author };
  // Staff write to the desk as staff: a mail of theirs never becomes a customer's ticket.
  if (author && isStaff(author)) return settle('failed', 'staff_without_ticket', 'A mail from a staff address that answers no ticket');
  const since = new Date(ctx.now().getTime() - HOUR_MS);
  const cap = ctx.config.inbound.ticketsPerSenderPerHour;
  if (row.reason !== 'released' && (await ticketsOpenedBy(ctx.database.db, from.address, since)) >= cap) {
    return settle('held', 'sender_over_hourly_cap', `More than ${cap} new tickets from this sender in an hour`);
  }
  return { kind: 'open', author };
}

/**
 * The sender as an actor, with their role's permissions now. A stranger gets a customer
 * account: the mail arrived from the address, so mail reaches it; it has no usable password
 * until its owner claims it through the password-reset flow.
 */
async function senderActor(ctx: AppContext, author: UserRow | undefined, from: { address: string; name: string }): Promise<Actor> {
  const db = ctx.database.db;
  let user = author;
  if (!user) {
    const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
    const name = from.name || from.address.split('@')[0] || from.address;
    user = await insertVerifiedUser(db, { email: from.address, name, role: 'customer', passwordHash }, ctx.now()).catch(async (error: unknown) => {
      // Another process created the account a moment ago.
      const existing = await findUserByEmail(db, from.address);
      if (!existing) throw error;
      return existing;
    });
  }
  const permissions = (await permissionsOfRole(db, user.role)).filter(isPermission);
  const teams = await loadMembership(db, user.id);
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionId: '', permissions: new Set(permissions), teams };
}

/**
 * Stores the mail's files (inline images too) through the attachments store. A file the store
 * refuses (empty, lying about its type, over the limit) is named in the text instead; the raw
 * mail keeps every byte of it anyway.
 */
async function storeFiles(ctx: AppContext, actor: Actor, files: readonly Attachment[]): Promise<{ ids: string[]; notes: string[] }> {
  const ids: string[] = [];
  const notes: string[] = [];
  const max = ctx.config.attachments.maxFilesPerMessage;
  for (const [index, file] of files.entries()) {
    const filename = file.filename ?? `attachment-${index + 1}`;
    if (ids.length >= max) {
      notes.push(`${filename}: not attached (at most ${max} files per message)`);
      continue;
    }
    try {
      const stored = await uploadAttachment(ctx, ctx.attachmentStore, actor, {
        filename,
        mimetype: file.contentType,
        bytes: (async function* () {
          yield file.content;
        })(),
      });
      ids.push(stored.id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      notes.push(`${filename}: not attached (${error.message})`);
    }
  }
  return { ids, notes };
}

const bodyOf = (text: string, notes: readonly string[], empty: string): string => {
  const body = [text || empty, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
  return body.length > MAX_TEXT ? `${body.slice(0, MAX_TEXT - 40)}\n\n[cut: the full mail is kept]` : body;
};

/** Thrown inside the placing transaction when another process placed the mail first: rolls back this copy. */
class AlreadyPlaced extends Error {}

async function place(ctx: AppContext, row: InboundRow, mail: ReadMail, decision: Exclude<Decision, { kind: 'settle' }>): Promise<InboundOutcome> {
  const from = mail.from ?? { address: '', name: '' };
  const actor = await senderActor(ctx, decision.author, from);
  const files = await storeFiles(ctx, actor, mail.attachments);
  const base = { fromAddress: from.address, subject: mail.subject, processedAt: ctx.now() };
  let outcome: InboundOutcome | undefined;
  const claim = async (tx: Db, placed: Omit<InboundOutcome, 'processedAt' | 'status'>) => {
    if (!(await lockReceived(tx, row.id))) throw new AlreadyPlaced();
    outcome = { ...base, ...placed, status: 'placed' };
    await settleInbound(tx, row.id, outcome);
  };
  try {
    if (decision.kind === 'reply') {
      const body = bodyOf(mail.text, files.notes, '(The mail had no text.)');
      await postMessage(ctx, actor, decision.ticketId, { body, attachmentIds: files.ids }, {
        within: (tx, message) => claim(tx, { ticketId: decision.ticketId, ticketMessageId: message.id }),
      });
    } else {
      const subject = (mail.subject || `Mail from ${from.address}`).slice(0, MAX_SUBJECT);
      const description = bodyOf(mail.text, files.notes, '(The mail had no text.)');
      await createTicket(ctx, actor, { subject, description, attachmentIds: files.ids, mailboxId: row.mailboxId ?? undefined }, {
        within: (tx, ticket) => claim(tx, { ticketId: ticket.id, openedTicket: true }),
      });
    }
  } catch (error) {
    if (error instanceof AlreadyPlaced) return { ...base, status: 'placed' };
    throw error;
  }
  return outcome ?? { ...base, status: 'placed' };
}

/**
 * Places a stored mail: on its ticket, as a new ticket, or recorded as ignored, held or
 * failed (with why). Returns undefined when the mail is not waiting (placed by another
 * process, or unknown). Never throws for a bad mail: that is a failed record.
 */
export async function placeMail(ctx: AppContext, id: string): Promise<InboundOutcome | undefined> {
  const db = ctx.database.db;
  const row = await findInbound(db, id);
  if (!row || row.status !== 'received' || !row.raw) return undefined;
  let mail: ReadMail | undefined;
  try {
    mail = await readMail(row.raw);
    const decision = await decide(ctx, row, mail);
    if (decision.kind !== 'settle') return await place(ctx, row, mail, decision);
    const outcome: InboundOutcome = {
      status: decision.status,
      reason: decision.reason,
      error: decision.error ?? null,
      fromAddress: mail.from?.address ?? null,
      subject: mail.subject,
      processedAt: ctx.now(),
    };
    return (await settleInbound(db, id, outcome)) ? outcome : undefined;
  } catch (error) {
    const outcome: InboundOutcome = {
      status: 'failed',
      reason: error instanceof DomainError ? error.code : 'intake_error',
      error: (error instanceof Error ? error.message : String(error)).slice(0, ERROR_TEXT_LIMIT),
      fromAddress: mail?.from?.address ?? null,
      subject: mail?.subject ?? null,
      processedAt: ctx.now(),
    };
    return (await settleInbound(db, id, outcome)) ? outcome : undefined;
  }
}

/** Places the mails still waiting (left by a crash between storing and placing), oldest first; returns how many were looked at. */
export async function placeWaitingMails(ctx: AppContext, limit = 100): Promise<number> {
  const ids = await waitingInbound(ctx.database.db, limit);
  for (const id of ids) await placeMail(ctx, id);
  return ids.length;
}
