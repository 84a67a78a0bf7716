import { randomUUID } from 'node:crypto';
import type { Actor } from '../authz/actor.js';
import { authorize } from '../authz/authorize.js';
import type { ImapMailboxConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { decodeCursor, encodeCursor, isCursorInstant } from '../http/cursor.js';
import { notFound } from '../http/errors.js';
import { testImapConnection, type ConnectionTest } from './imap-connection.js';
import { decryptPassword, encryptPassword, newPushSecret } from './mailbox-secrets.js';
import {
  deleteMailbox,
  findMailbox,
  insertMailbox,
  listMailboxes,
  updateMailbox,
  type MailboxChanges,
  type MailboxRow,
} from './mailboxes.repository.js';

export interface MailboxInput {
  address: string;
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
  folder?: string | undefined;
  enabled?: boolean | undefined;
}

export interface MailboxDto {
  id: string;
  address: string;
  host: string;
  port: number;
  tls: boolean;
  username: string;
  folder: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The password never leaves the server, not even encrypted. */
const present = (row: MailboxRow): MailboxDto => ({
  id: row.id,
  address: row.address,
  host: row.host,
  port: row.port,
  tls: row.tls,
  username: row.username,
  folder: row.folder,
  enabled: row.enabled,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const mailboxNotFound = () => notFound('mailbox_not_found', 'No mailbox with this id');

/** How the poller and the connection test reach a stored mailbox. */
export const imapSettingsOf = (secret: Uint8Array, row: MailboxRow): ImapMailboxConfig => ({
  host: row.host,
  port: row.port,
  tls: row.tls,
  user: row.username,
  password: decryptPassword(secret, row.passwordEncrypted),
  folder: row.folder,
});

const isMailboxCursor = (value: unknown): value is { createdAt: string; id: string } => {
  if (typeof value !== 'object' || value === null) return false;
  const { createdAt, id } = value as Record<string, unknown>;
  return isCursorInstant(createdAt) && typeof id === 'string';
};

export async function readMailboxes(ctx: AppContext, actor: Actor, query: { limit?: number; cursor?: string }) {
  authorize(actor, 'inbound.manage');
  const limit = query.limit ?? 25;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isMailboxCursor);
  const rows = await listMailboxes(ctx.database.db, { limit, after: after && { createdAt: new Date(after.createdAt), id: after.id } });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

export async function readMailbox(ctx: AppContext, actor: Actor, id: string): Promise<MailboxDto> {
  authorize(actor, 'inbound.manage');
  const row = await findMailbox(ctx.database.db, id);
  if (!row) throw mailboxNotFound();
  return present(row);
}

/** Adds a mailbox; the answer carries the secret for POST /api/inbound/email once (only its hash is kept). */
export async function createMailbox(ctx: AppContext, actor: Actor, input: MailboxInput): Promise<MailboxDto & { pushSecret: string }> {
  authorize(actor, 'inbound.manage');
  const id = randomUUID();
  const push = newPushSecret(id);
  const { password, folder, enabled, ...rest } = input;
  const row = await insertMailbox(
    ctx.database.db,
    {
      id,
      ...rest,
      folder: folder ?? 'INBOX',
      enabled: enabled ?? true,
      passwordEncrypted: encryptPassword(ctx.config.jwtSecret, password),
      pushSecretHash: push.hash,
    },
    ctx.now(),
  );
  return { ...present(row), pushSecret: push.secret };
}

export async function changeMailbox(ctx: AppContext, actor: Actor, id: string, input: Partial<MailboxInput>): Promise<MailboxDto> {
  authorize(actor, 'inbound.manage');
  const { password, ...rest } = input;
  const changes: MailboxChanges = { ...rest, ...(password === undefined ? {} : { passwordEncrypted: encryptPassword(ctx.config.jwtSecret, password) }) };
  const row = await updateMailbox(ctx.database.db, id, changes, ctx.now());
  if (!row) throw mailboxNotFound();
  return present(row);
}

/** Removes a mailbox; the mails it brought stay (their record loses the link). */
export async function removeMailbox(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'inbound.manage');
  if (!(await deleteMailbox(ctx.database.db, id))) throw mailboxNotFound();
}

export async function testMailbox(ctx: AppContext, actor: Actor, id: string): Promise<ConnectionTest> {
  authorize(actor, 'inbound.manage');
  const row = await findMailbox(ctx.database.db, id);
  if (!row) throw mailboxNotFound();
  return testImapConnection(imapSettingsOf(ctx.config.jwtSecret, row));
}
