import { and, asc, desc, eq, gt, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { PersonRow, TeamMembership } from '../authz/actor.js';
import { isPermission, type Permission, type Role } from '../authz/permissions.js';
import { MANAGER_ROLE } from '../authz/roles.js';
import { queryRows, type Db } from '../db/database.js';
import { jsonParameter } from '../db/json-parameter.js';
import { PLAN_ONCE } from '../db/statement-names.js';
import { mailOutbox } from '../mail/mail.schema.js';
import type { QueuedMail } from '../mail/outbox.repository.js';
import { membershipOf, membershipSelect } from '../teams/membership.repository.js';
import type { TicketPriority, TicketStatus } from '../tickets/ticket-status.js';
import { tickets } from '../tickets/tickets.schema.js';
import type { NotificationKind } from './notification-kinds.js';
import type { Audience } from './notification-rules.js';
import { notificationPreferences, notifications, notificationTickets } from './notifications.schema.js';

export type NotificationRow = Omit<typeof notifications.$inferSelect, 'groupSize'> & {
  /** About several tickets at once (notification-batch.ts). */
  grouped: boolean;
  /** How many of its tickets the reader may see now: 1 unless grouped. */
  count: number;
};

/** A recipient as they are now: current permissions, and their switches for one kind. */
export interface Recipient {
  id: string;
  email: string;
  name: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
  teams: TeamMembership;
  /** Whether the owner proved the address: no ticket mail goes to an unproven one. */
  emailVerified: boolean;
  wantsEmail: boolean;
  wantsInApp: boolean;
}

interface RecipientRow extends PersonRow {
  email_verified: boolean;
  wants_email: boolean;
  wants_in_app: boolean;
}

/** The active users an audience names, in one query, with their preferences for `kind` (default on). */
export async function loadRecipients(db: Db, audience: Audience, kind: NotificationKind): Promise<Recipient[]> {
  if (audience.userIds.length === 0 && !audience.managers) return [];
  const ids = sql`array[${sql.join(
    audience.userIds.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
  const rows = await queryRows<RecipientRow>(
    db,
    sql`select u.id, u.email, u.name, u.role,
          coalesce((select array_agg(rp.permission) from role_permissions rp where rp.role = u.role), '{}') as permissions,
          ${membershipSelect(sql`u.id`)},
          u.email_verified_at is not null as email_verified,
          coalesce(p.email, true) as wants_email,
          coalesce(p.in_app, true) as wants_in_app
        from users u
        left join notification_preferences p on p.user_id = u.id and p.kind = ${kind}
        where u.active and (u.id = any(${ids})${audience.managers ? sql` or u.role = ${MANAGER_ROLE}` : sql``})
        order by u.id`,
    PLAN_ONCE,
  );
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    permissions: new Set(row.permissions.filter(isPermission)),
    teams: membershipOf(row),
    emailVerified: row.email_verified,
    wantsEmail: row.wants_email,
    wantsInApp: row.wants_in_app,
  }));
}

export type NewNotification = Pick<NotificationRow, 'userId' | 'ticketId' | 'eventId' | 'type' | 'title' | 'createdAt'>;

/**
 * In-app rows and the mails queued with them, in one statement (a data-modifying WITH): one
 * round trip per change. Its text is the same for any number of either, so it is planned once
 * per connection: a VALUES list per row count was planned on every change.
 */
export async function insertNotifications(tx: Db, rows: readonly NewNotification[], mails: readonly QueuedMail[] = []): Promise<void> {
  if (rows.length === 0 && mails.length === 0) return;
  const mailRecords = mails.map((mail) => ({
    kind: mail.kind,
    to_address: mail.toAddress,
    subject: mail.subject,
    text_body: mail.textBody,
    html_body: mail.htmlBody,
    headers: mail.headers,
    created_at: mail.createdAt,
    next_attempt_at: mail.nextAttemptAt,
  }));
  const notificationRecords = rows.map((row) => ({
    user_id: row.userId,
    ticket_id: row.ticketId,
    event_id: row.eventId,
    type: row.type,
    title: row.title,
    created_at: row.createdAt,
  }));
  await queryRows(
    tx,
    sql`with queued_mail as (
        insert into ${mailOutbox} (kind, to_address, subject, text_body, html_body, headers, created_at, next_attempt_at)
        select kind, to_address, subject, text_body, html_body, headers, created_at, next_attempt_at
        from json_populate_recordset(null::${mailOutbox}, ${jsonParameter(mailRecords)}::json))
      insert into ${notifications} (user_id, ticket_id, event_id, type, title, created_at)
      select user_id, ticket_id, event_id, type, title, created_at
      from json_populate_recordset(null::${notifications}, ${jsonParameter(notificationRecords)}::json)`,
    PLAN_ONCE,
  );
}

/** One notification about several tickets; `head.ticketId` should be the first of them. */
export async function insertGroup(tx: Db, head: NewNotification, ticketIds: readonly string[]): Promise<void> {
  const [row] = await tx
    .insert(notifications)
    .values({ ...head, groupSize: ticketIds.length })
    .returning({ id: notifications.id });
  if (!row) throw new Error('notification insert returned nothing');
  // In slices: a run may miss thousands of targets, and a statement takes at most 65535 parameters.
  for (let start = 0; start < ticketIds.length; start += 1000) {
    const slice = ticketIds.slice(start, start + 1000);
    await tx.insert(notificationTickets).values(slice.map((ticketId) => ({ notificationId: row.id, ticketId })));
  }
}

/**
 * A group's tickets the reader may see, as a subquery of a notifications query. The
 * visibility filter names the tickets table; here it is the group's, which hides the outer one.
 */
const visibleMembers = (visibility: SQL) =>
  sql`(select ${notificationTickets.ticketId} from ${notificationTickets}
        inner join ${tickets} on ${tickets.id} = ${notificationTickets.ticketId}
        where ${notificationTickets.notificationId} = ${notifications.id} and ${visibility})`;

/** A notification the reader may see: its ticket, or for a group, any of its tickets. */
function visibleNotification(visibility: SQL | undefined): SQL | undefined {
  if (visibility === undefined) return undefined;
  return sql`case when ${notifications.groupSize} is null then ${visibility} else exists ${visibleMembers(visibility)} end`;
}

const visibleCount = (visibility: SQL | undefined): SQL<number> =>
  visibility === undefined
    ? sql<number>`coalesce(${notifications.groupSize}, 1)`
    : sql<number>`case when ${notifications.groupSize} is null then 1 else (select count(*) from ${visibleMembers(visibility)} m) end::int`;

export interface NotificationPage {
  userId: string;
  /** The caller's ticket visibility: a notification about a ticket they may no longer see is hidden. */
  visibility: SQL | undefined;
  unreadOnly: boolean;
  beforeId: number | undefined;
  limit: number;
}

const mine = (userId: string, visibility: SQL | undefined): SQL | undefined =>
  and(eq(notifications.userId, userId), visibleNotification(visibility));

/** A user's notifications, newest first, one keyset page. */
export async function listNotifications(db: Db, page: NotificationPage): Promise<NotificationRow[]> {
  return db
    .select({
      id: notifications.id,
      userId: notifications.userId,
      ticketId: notifications.ticketId,
      eventId: notifications.eventId,
      type: notifications.type,
      title: notifications.title,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      grouped: sql<boolean>`${notifications.groupSize} is not null`,
      count: visibleCount(page.visibility),
    })
    .from(notifications)
    .innerJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(
      and(
        mine(page.userId, page.visibility),
        page.unreadOnly ? isNull(notifications.readAt) : undefined,
        page.beforeId === undefined ? undefined : lt(notifications.id, page.beforeId),
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(page.limit)
    .prepare(PLAN_ONCE)
    .execute();
}

export async function countUnread(db: Db, userId: string, visibility: SQL | undefined): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .innerJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(mine(userId, visibility), isNull(notifications.readAt)))
    .prepare(PLAN_ONCE)
    .execute();
  return row?.count ?? 0;
}

/** Marks one of the user's notifications read (keeping the first time it was read); false if they have no such notification. */
export async function markRead(db: Db, userId: string, visibility: SQL | undefined, id: number, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .innerJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(mine(userId, visibility), eq(notifications.id, id)));
  if (!row) return false;
  await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.id, id), isNull(notifications.readAt)));
  return true;
}

export interface GroupTicket {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
}

/**
 * The tickets of one of the user's notifications (a group's, or its one ticket) that they
 * may see, by number, one keyset page; undefined when they have no such notification.
 */
export async function listNotificationTickets(
  db: Db,
  page: { userId: string; visibility: SQL | undefined; id: number; afterNumber: number | undefined; limit: number },
): Promise<GroupTicket[] | undefined> {
  const [found] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .innerJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(mine(page.userId, page.visibility), eq(notifications.id, page.id)));
  if (!found) return undefined;
  const members = sql`(select ${notificationTickets.ticketId} from ${notificationTickets} where ${notificationTickets.notificationId} = ${page.id}
    union select ${notifications.ticketId} from ${notifications} where ${notifications.id} = ${page.id})`;
  return db
    .select({ id: tickets.id, number: tickets.number, subject: tickets.subject, status: tickets.status, priority: tickets.priority })
    .from(tickets)
    .where(
      and(
        sql`${tickets.id} in ${members}`,
        page.visibility,
        page.afterNumber === undefined ? undefined : gt(tickets.number, page.afterNumber),
      ),
    )
    .orderBy(asc(tickets.number))
    .limit(page.limit);
}

export async function markAllRead(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
}

export interface PreferenceRow {
  kind: string;
  email: boolean;
  inApp: boolean;
}

/** Only the kinds the user changed; the others are on. */
export async function listPreferenceRows(db: Db, userId: string): Promise<PreferenceRow[]> {
  return db
    .select({ kind: notificationPreferences.kind, email: notificationPreferences.email, inApp: notificationPreferences.inApp })
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
}

export async function savePreferences(db: Db, userId: string, items: readonly PreferenceRow[]): Promise<void> {
  if (items.length === 0) return;
  await db
    .insert(notificationPreferences)
    .values(items.map((item) => ({ userId, ...item })))
    .onConflictDoUpdate({
      target: [notificationPreferences.userId, notificationPreferences.kind],
      set: { email: sql`excluded.email`, inApp: sql`excluded.in_app` },
    });
}
