import type { StreamEventRow, StreamNotificationRow, StreamPage } from './stream.repository.js';

export type StreamEventName = 'ticket.created' | 'ticket.updated' | 'ticket.message' | 'notification';

/** One entry of the stream, serialized once and written to every connection that may receive it. */
export interface StreamItem {
  id: number;
  frame: string;
  /** Whose ticket it is, who has it and which team: the visibility rule is decided on this. */
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
  internal: boolean;
  /** A notification goes to its recipient only; a ticket event to everyone who may see it. */
  recipientId: string | null;
}

/** History events map onto the three ticket event names of API.md; everything else is an update. */
export function streamEventName(type: string): StreamEventName {
  if (type === 'ticket.created' || type === 'ticket.message') return type;
  return 'ticket.updated';
}

/** An SSE frame; JSON never contains a raw line break, so `data` is one line. */
export const sseFrame = (id: number, event: string, data: unknown): string =>
  `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** A comment line: ignored by clients, keeps proxies from closing an idle stream. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

/**
 * Ends a replay cut at its bound. Its id is the point the stream goes on live from, so the
 * client's next reconnect starts there rather than asking for the same long replay again;
 * what it skipped, it reloads.
 */
export const resetFrame = (id: number): string => sseFrame(id, 'reset', { reason: 'replay_limit' });

function messageOf(row: StreamEventRow) {
  if (row.messageBody === null || row.messageCreatedAt === null) return undefined;
  return {
    id: typeof row.data.messageId === 'string' ? row.data.messageId : null,
    body: row.messageBody,
    internal: row.messageInternal ?? false,
    authorId: typeof row.data.authorId === 'string' ? row.data.authorId : null,
    authorName: row.messageAuthorName,
    authorRole: row.messageAuthorRole,
    createdAt: row.messageCreatedAt.toISOString(),
    // The files the event recorded with the message, as GET …/messages lists them.
    attachments: Array.isArray(row.data.attachments) ? row.data.attachments : [],
  };
}

export function eventItem(row: StreamEventRow): StreamItem {
  const message = messageOf(row);
  const data = {
    ticketId: row.ticketId,
    ticketNumber: row.ticketNumber,
    subject: row.subject,
    type: row.type,
    actorId: row.actorId,
    createdAt: row.createdAt.toISOString(),
    data: row.data,
    ...(message ? { message } : {}),
  };
  return {
    id: row.id,
    frame: sseFrame(row.id, streamEventName(row.type), data),
    requesterId: row.requesterId,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    internal: row.internal,
    recipientId: null,
  };
}

/** The same shape as an item of GET /api/notifications. */
export function notificationItem(row: StreamNotificationRow): StreamItem {
  const data = {
    id: String(row.id),
    type: row.type,
    ticketId: row.ticketId,
    title: row.title,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
    // Written just now, for a recipient who could see each of its tickets.
    count: row.groupSize ?? 1,
  };
  return {
    id: row.id,
    frame: sseFrame(row.id, 'notification', data),
    requesterId: row.requesterId,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    internal: false,
    recipientId: row.userId,
  };
}

export interface MergedPage {
  items: StreamItem[];
  /** Ids above this were cut off by a page limit and must be read again; undefined when nothing was cut. */
  cutAt: number | undefined;
}

/** Both tables' rows as one list in id order. */
export const inIdOrder = (page: StreamPage): StreamItem[] =>
  [...page.events.map(eventItem), ...page.notifications.map(notificationItem)].sort((a, b) => a.id - b.id);

/**
 * Both tables in one id order. When either query hit its limit, the other table's rows
 * beyond its last id are dropped: rows between them may be missing from the page.
 */
export function mergePage(page: StreamPage, limit: number): MergedPage {
  const lastOf = (rows: readonly { id: number }[]) => (rows.length >= limit ? rows.at(-1)?.id : undefined);
  const cuts = [lastOf(page.events), lastOf(page.notifications)].filter((id) => id !== undefined);
  const cutAt = cuts.length === 0 ? undefined : Math.min(...cuts);
  return { items: inIdOrder(page).filter((item) => cutAt === undefined || item.id <= cutAt), cutAt };
}
