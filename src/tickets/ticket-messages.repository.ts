import { and, asc, eq, gt, ne, sql, type SQL } from 'drizzle-orm';
import { attachmentsJson, type AttachmentSummary } from '../attachments/attachments.repository.js';
import type { Role } from '../authz/permissions.js';
import type { Db } from '../db/database.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import { users } from '../users/users.schema.js';
import { ticketMessages } from './tickets.schema.js';

export interface MessageRow {
  id: string;
  ticketId: string;
  authorId: string;
  body: string;
  internal: boolean;
  createdAt: Date;
}

export interface MessageView extends MessageRow {
  authorName: string;
  authorRole: Role;
  attachments: AttachmentSummary[];
}

const messageColumns = {
  id: ticketMessages.id,
  ticketId: ticketMessages.ticketId,
  authorId: ticketMessages.authorId,
  body: ticketMessages.body,
  internal: ticketMessages.internal,
  createdAt: ticketMessages.createdAt,
};

export async function insertMessage(tx: Db, message: Omit<MessageRow, 'id'>): Promise<MessageRow> {
  const [row] = await tx.insert(ticketMessages).values(message).returning(messageColumns).prepare(PLAN_ONCE).execute();
  if (!row) throw new Error('message insert returned nothing');
  return row;
}

/** A ticket's conversation in posting order with each message's files, narrowed by the caller's visibility filter. */
export async function listMessages(db: Db, ticketId: string, visibility: SQL | undefined): Promise<MessageView[]> {
  return db
    .select({
      ...messageColumns,
      authorName: users.name,
      authorRole: users.role,
      attachments: attachmentsJson(sql`a.message_id = ${ticketMessages.id}`),
    })
    .from(ticketMessages)
    .innerJoin(users, eq(users.id, ticketMessages.authorId))
    .where(and(eq(ticketMessages.ticketId, ticketId), visibility))
    .orderBy(asc(ticketMessages.seq))
    .prepare(PLAN_ONCE)
    .execute();
}

/**
 * Whether the caller's own view of the conversation is behind: a message by someone else,
 * visible to the caller, posted after `afterMessageId` (or at all, when null). Undefined
 * when `afterMessageId` names no message of this ticket the caller may see, so a note's id
 * cannot be told from a made-up one.
 */
export async function hasMissedMessages(
  db: Db,
  ticketId: string,
  afterMessageId: string | null,
  viewerId: string,
  visibility: SQL | undefined,
): Promise<boolean | undefined> {
  let afterSeq = 0;
  if (afterMessageId !== null) {
    const [seen] = await db
      .select({ seq: ticketMessages.seq })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.id, afterMessageId), eq(ticketMessages.ticketId, ticketId), visibility));
    if (!seen) return undefined;
    afterSeq = seen.seq;
  }
  const [missed] = await db
    .select({ id: ticketMessages.id })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, ticketId), gt(ticketMessages.seq, afterSeq), ne(ticketMessages.authorId, viewerId), visibility))
    .limit(1);
  return missed !== undefined;
}
