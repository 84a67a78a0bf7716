import { and, asc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Actor, PersonRow } from '../authz/actor.js';
import { isPermission, type Role } from '../authz/permissions.js';
import { queryRows, type Db } from '../db/database.js';
import { notifications } from '../notifications/notifications.schema.js';
import { membershipOf, membershipSelect } from '../teams/membership.repository.js';
import { ticketEvents, ticketMessages, tickets } from '../tickets/tickets.schema.js';
import { users } from '../users/users.schema.js';
import type { Snapshot } from './event-order.js';

/** A ticket event with what the stream shows beside it (ticket number and subject, a public message's text). */
export interface StreamEventRow {
  id: number;
  ticketId: string;
  type: string;
  internal: boolean;
  data: Record<string, unknown>;
  actorId: string | null;
  createdAt: Date;
  ticketNumber: number;
  subject: string;
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
  messageBody: string | null;
  messageInternal: boolean | null;
  messageAuthorName: string | null;
  messageAuthorRole: Role | null;
  messageCreatedAt: Date | null;
}

export interface StreamNotificationRow {
  id: number;
  userId: string;
  ticketId: string;
  type: string;
  title: string;
  createdAt: Date;
  readAt: Date | null;
  groupSize: number | null;
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
}

const author = alias(users, 'message_author');

function selectEvents(db: Db) {
  return db
    .select({
      id: ticketEvents.id,
      ticketId: ticketEvents.ticketId,
      type: ticketEvents.type,
      internal: ticketEvents.internal,
      data: ticketEvents.data,
      actorId: ticketEvents.actorId,
      createdAt: ticketEvents.createdAt,
      ticketNumber: tickets.number,
      subject: tickets.subject,
      requesterId: tickets.requesterId,
      assigneeId: tickets.assigneeId,
      teamId: tickets.teamId,
      messageBody: ticketMessages.body,
      messageInternal: ticketMessages.internal,
      messageAuthorName: author.name,
      messageAuthorRole: author.role,
      messageCreatedAt: ticketMessages.createdAt,
    })
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .leftJoin(
      ticketMessages,
      and(eq(ticketEvents.type, 'ticket.message'), eq(ticketMessages.id, sql`(${ticketEvents.data}->>'messageId')::uuid`)),
    )
    .leftJoin(author, eq(author.id, ticketMessages.authorId))
    .$dynamic();
}

function selectNotifications(db: Db) {
  return db
    .select({
      id: notifications.id,
      userId: notifications.userId,
      ticketId: notifications.ticketId,
      type: notifications.type,
      title: notifications.title,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      groupSize: notifications.groupSize,
      requesterId: tickets.requesterId,
      assigneeId: tickets.assigneeId,
      teamId: tickets.teamId,
    })
    .from(notifications)
    .innerJoin(tickets, eq(tickets.id, notifications.ticketId))
    .$dynamic();
}

export interface StreamPage {
  events: StreamEventRow[];
  notifications: StreamNotificationRow[];
}

export interface FeedPage extends StreamPage {
  snapshot: Snapshot;
}

/**
 * Everything after `after` in both tables of the shared id sequence (up to `limit` of
 * each), with the snapshot it was read in: one read-only REPEATABLE READ transaction,
 * so the rows and the snapshot bounds describe the same moment.
 */
export async function readFeed(db: Db, after: number, limit: number): Promise<FeedPage> {
  return db.transaction(
    async (tx) => {
      const [snapshot] = await queryRows<{ xmin: string; xmax: string }>(
        tx,
        // The snapshot's own xmin is the whole server's: any long transaction in any database
        // (a pg_dump, another app, a test worker) would hold every gap for maxGapWaitMs. Only
        // a session of this database can have taken an id of its sequence, so the others'
        // are left out. pg_stat_activity is read live, after the snapshot was taken: a
        // transaction of this database that committed in between is no longer listed there,
        // yet its rows are invisible to the snapshot. So what is left out is only what is
        // seen running in another database; anything unlisted still counts as running.
        sql`select coalesce(
              (select min(x) from pg_snapshot_xip(pg_current_snapshot()) x
                where xid(x) not in (select backend_xid from pg_stat_activity where datname <> current_database() and backend_xid is not null)),
              pg_snapshot_xmax(pg_current_snapshot()))::text as xmin,
            pg_snapshot_xmax(pg_current_snapshot())::text as xmax`,
      );
      if (!snapshot) throw new Error('pg_current_snapshot returned nothing');
      const events = await selectEvents(tx).where(gt(ticketEvents.id, after)).orderBy(asc(ticketEvents.id)).limit(limit);
      const notes = await selectNotifications(tx).where(gt(notifications.id, after)).orderBy(asc(notifications.id)).limit(limit);
      return { snapshot: { xmin: BigInt(snapshot.xmin), xmax: BigInt(snapshot.xmax) }, events, notifications: notes };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The highest id either table holds: where a starting stream begins to read. */
export async function latestStreamId(db: Db): Promise<number> {
  const [row] = await queryRows<{ id: string | null }>(
    db,
    sql`select greatest((select max(id) from ticket_events), (select max(id) from notifications))::text as id`,
  );
  return row?.id ? Number(row.id) : 0;
}

export interface ReplayRange {
  after: number;
  upTo: number;
  /** Events older than this are not replayed (API.md keeps at least 7 days). */
  since: Date;
  /** The caller's filters, from the authorization module. */
  ticketVisibility: SQL | undefined;
  eventVisibility: SQL | undefined;
}

/**
 * What a resuming client missed in `(after, upTo]`, filtered in SQL by the same rules as
 * every read. Ids are unique across both tables, so a range of n ids is at most n rows:
 * the caller keeps ranges short, and a query's work is bounded whatever plan the database
 * picks (the embedded one has no statistics and would otherwise read and sort the whole
 * week on every page).
 */
export async function readReplay(db: Db, actor: Actor, range: ReplayRange): Promise<StreamPage> {
  const events = await selectEvents(db)
    .where(
      and(
        gt(ticketEvents.id, range.after),
        lte(ticketEvents.id, range.upTo),
        gte(ticketEvents.createdAt, range.since),
        range.ticketVisibility,
        range.eventVisibility,
      ),
    )
    .orderBy(asc(ticketEvents.id));
  const notes = await selectNotifications(db)
    .where(
      and(
        eq(notifications.userId, actor.id),
        gt(notifications.id, range.after),
        lte(notifications.id, range.upTo),
        gte(notifications.createdAt, range.since),
        range.ticketVisibility,
      ),
    )
    .orderBy(asc(notifications.id));
  return { events, notifications: notes };
}

/**
 * The first id a replay after `after` may have to send, found by index: the oldest ticket
 * event of the window (by time) or the caller's first notification in it. A replay from
 * far back (`lastEventId=0`) then starts at the window instead of walking every older id.
 * Undefined: nothing to replay.
 */
export async function replayStart(db: Db, actor: Actor, after: number, since: Date): Promise<number | undefined> {
  const at = since.toISOString();
  const [row] = await queryRows<{ event: string | null; note: string | null }>(
    db,
    // By id among equal times: one transaction's events share its timestamp, and which of them
    // `order by created_at` alone returns is up to the plan, so a replay could start past the first.
    sql`select (select id from ticket_events where created_at >= ${at} order by created_at, id limit 1)::text as event,
               (select id from notifications where user_id = ${actor.id} and id > ${after} and created_at >= ${at} order by id limit 1)::text as note`,
  );
  // Ids grow with time, so no event of the window is older than its oldest one; a later `after` wins.
  const starts = [row?.event ? Math.max(Number(row.event), after + 1) : undefined, row?.note ? Number(row.note) : undefined];
  const found = starts.filter((id) => id !== undefined);
  return found.length === 0 ? undefined : Math.min(...found);
}

interface StreamActorRow extends PersonRow {
  session_id: string;
}

/**
 * The connected callers as the database knows them now, by session id, in one query
 * however many streams are open: a revoked session or an inactive user is simply absent.
 * Same rules as `loadActor`, which does this for one request.
 */
export async function loadStreamActors(db: Db, sessionIds: readonly string[]): Promise<Map<string, Actor>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await queryRows<StreamActorRow>(
    db,
    sql`select s.id as session_id, u.id, u.email, u.name, u.role, coalesce(p.permissions, '{}') as permissions,
          ${membershipSelect(sql`u.id`)}
        from sessions s
        join users u on u.id = s.user_id
        left join (select role, array_agg(permission) as permissions from role_permissions group by role) p on p.role = u.role
        where s.id = any(${`{${sessionIds.join(',')}}`}::uuid[]) and s.revoked_at is null and u.active`,
  );
  return new Map(
    rows.map((row) => [
      row.session_id,
      {
        id: row.id,
        email: row.email,
        name: row.name,
        role: row.role,
        sessionId: row.session_id,
        permissions: new Set(row.permissions.filter(isPermission)),
        teams: membershipOf(row),
      },
    ]),
  );
}
