import type { Actor } from '../authz/actor.js';
import { can } from '../authz/authorize.js';
import { visibleTickets } from '../authz/policies/ticket.js';
import type { AppContext } from '../context.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { invalid, notFound } from '../http/errors.js';
import { isNotificationKind, KIND_INFO, NOTIFICATION_KINDS, type NotificationKind } from './notification-kinds.js';
import {
  countUnread,
  listNotifications,
  listNotificationTickets,
  listPreferenceRows,
  markAllRead,
  markRead,
  savePreferences,
  type GroupTicket,
  type NotificationRow,
} from './notifications.repository.js';

interface ListCursor {
  before: number;
}

const isListCursor = (value: unknown): value is ListCursor =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as { before?: unknown }).before);

export interface ListNotificationsInput {
  unread?: boolean | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The caller's notifications, newest first; those about tickets they can no longer see are left out. */
export async function readNotifications(
  ctx: AppContext,
  actor: Actor,
  input: ListNotificationsInput,
): Promise<{ items: NotificationRow[]; nextCursor: string | null }> {
  const cursor = input.cursor === undefined ? undefined : decodeCursor(input.cursor, isListCursor);
  const rows = await listNotifications(ctx.database.db, {
    userId: actor.id,
    visibility: visibleTickets(actor),
    unreadOnly: input.unread ?? false,
    beforeId: cursor?.before,
    limit: input.limit + 1,
  });
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor({ before: last.id } satisfies ListCursor) : null;
  return { items, nextCursor };
}

export function unreadCount(ctx: AppContext, actor: Actor): Promise<number> {
  return countUnread(ctx.database.db, actor.id, visibleTickets(actor));
}

const notificationNotFound = () => notFound('notification_not_found', 'No such notification');

interface TicketsCursor {
  after: number;
}

const isTicketsCursor = (value: unknown): value is TicketsCursor =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as { after?: unknown }).after);

/**
 * The tickets behind one of the caller's notifications (a group's, or its one ticket), by
 * number: only those the caller may see now. Someone else's notification does not exist.
 */
export async function readNotificationTickets(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { limit: number; cursor?: string | undefined },
): Promise<{ items: GroupTicket[]; nextCursor: string | null }> {
  const cursor = input.cursor === undefined ? undefined : decodeCursor(input.cursor, isTicketsCursor);
  const rows = await listNotificationTickets(ctx.database.db, {
    userId: actor.id,
    visibility: visibleTickets(actor),
    id: Number(id),
    afterNumber: cursor?.after,
    limit: input.limit + 1,
  });
  if (!rows) throw notificationNotFound();
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor({ after: last.number } satisfies TicketsCursor) : null;
  return { items, nextCursor };
}

/** Someone else's notification does not exist for the caller. */
export async function readOne(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const found = await markRead(ctx.database.db, actor.id, visibleTickets(actor), Number(id), ctx.now());
  if (!found) throw notificationNotFound();
}

export async function readAll(ctx: AppContext, actor: Actor): Promise<void> {
  await markAllRead(ctx.database.db, actor.id, ctx.now());
}

export interface Preference {
  kind: NotificationKind;
  description: string;
  email: boolean;
  inApp: boolean;
}

/** Every kind the caller can receive, on unless they turned it off. Customers are not offered staff-only kinds. */
export async function readPreferences(ctx: AppContext, actor: Actor): Promise<Preference[]> {
  const saved = new Map((await listPreferenceRows(ctx.database.db, actor.id)).map((row) => [row.kind, row]));
  return NOTIFICATION_KINDS.filter((kind) => can(actor, 'notification.receive', KIND_INFO[kind])).map((kind) => ({
    kind,
    description: KIND_INFO[kind].description,
    email: saved.get(kind)?.email ?? true,
    inApp: saved.get(kind)?.inApp ?? true,
  }));
}

export interface PreferenceChange {
  kind: string;
  email: boolean;
  inApp: boolean;
}

/** Sets the listed kinds; kinds not listed keep their setting. */
export async function updatePreferences(ctx: AppContext, actor: Actor, changes: readonly PreferenceChange[]): Promise<Preference[]> {
  const kinds = new Set<string>();
  for (const change of changes) {
    if (!isNotificationKind(change.kind)) throw invalid('invalid_kind', `Unknown notification kind ${change.kind}`);
    if (kinds.has(change.kind)) throw invalid('duplicate_kind', `${change.kind} is listed twice`);
    kinds.add(change.kind);
  }
  await savePreferences(ctx.database.db, actor.id, changes);
  return readPreferences(ctx, actor);
}
