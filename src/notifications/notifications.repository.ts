import { and, desc, eq, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { TeamMembership } from '../authz/actor.js';
import { isPermission, type Permission, type Role } from '../authz/permissions.js';
import { MANAGER_ROLE } from '../authz/roles.js';
import { queryRows, type Db } from '../db/database.js';
import { membershipOf, membershipSelect } from '../teams/membership.repository.js';
import { tickets } from '../tickets/tickets.schema.js';
import type { NotificationKind } from './notification-kinds.js';
import type { Audience } from './notification-rules.js';
import { notificationPreferences, notifications } from './notifications.schema.js';

export type NotificationRow = typeof notifications.$inferSelect;

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

interface RecipientRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  permissions: string[];
  team_ids: string[];
  teams_restricted: boolean;
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
        where u.active and (u.id = any(${ids}) or (${audience.managers} and u.role = ${MANAGER_ROLE}))
        order by u.id`,
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

export async function insertNotifications(tx: Db, rows: readonly NewNotification[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(notifications).values([...rows]);
}

export interface NotificationPage {
  userId: string;
  /** The caller's ticket visibility: a notification about a ticket they may no longer see is hidden. */
  visibility: SQL | undefined;
  unreadOnly: boolean;
  beforeId: number | undefined;
  limit: number;
}

const mine = (userId: string, visibility: SQL | undefined): SQL | undefined =>
  and(eq(notifications.userId, userId), visibility);

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
    .limit(page.limit);
}

export async function countUnread(db: Db, userId: string, visibility: SQL | undefined): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .innerJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(mine(userId, visibility), isNull(notifications.readAt)));
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
