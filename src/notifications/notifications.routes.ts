import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, ListQuery, listOf, Nullable, rateLimitedResponses, Timestamp } from '../http/schemas.js';
import { NOTIFICATION_KINDS, type NotificationKind } from './notification-kinds.js';
import { groupTitle } from './notification-templates.js';
import { TicketPrioritySchema, TicketStatusSchema } from '../tickets/ticket-status-schemas.js';
import type { NotificationRow } from './notifications.repository.js';
import { readAll, readNotifications, readNotificationTickets, readOne, readPreferences, unreadCount, updatePreferences } from './notifications.service.js';

const tags = ['notifications'];

// Written out as a literal tuple: the Fastify type provider infers a union only from a tuple.
const KindSchema = Type.Union([
  Type.Literal('ticket_received'),
  Type.Literal('staff_reply'),
  Type.Literal('waiting_on_customer'),
  Type.Literal('ticket_resolved'),
  Type.Literal('ticket_closed'),
  Type.Literal('ticket_assigned'),
  Type.Literal('customer_reply'),
  Type.Literal('ticket_escalated'),
  Type.Literal('sla_breached'),
]);
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** A kind added to NOTIFICATION_KINDS but not here fails to compile. */
export type KindSchemaMatchesDomain = Assert<Same<Static<typeof KindSchema>, NotificationKind>>;

const NotificationSchema = Type.Object(
  {
    id: Type.String(),
    type: KindSchema,
    ticketId: Type.String(),
    title: Type.String(),
    createdAt: Timestamp,
    readAt: Nullable(Timestamp),
    count: Type.Integer({
      minimum: 1,
      description:
        'How many tickets it is about: more than 1 for a grouped notification ("33 tickets missed their SLA"), ' +
        'whose tickets GET /notifications/{id}/tickets lists; `ticketId` is the first of them',
    }),
  },
  { additionalProperties: false },
);

const presentNotification = (row: NotificationRow) => ({
  id: String(row.id),
  type: row.type,
  ticketId: row.ticketId,
  // A group's line counts only what the reader may still see.
  title: row.grouped ? groupTitle(row.type, row.count) : row.title,
  count: row.count,
  createdAt: row.createdAt.toISOString(),
  readAt: row.readAt ? row.readAt.toISOString() : null,
});

const NotificationTicketSchema = Type.Object(
  { id: Type.String(), number: Type.Integer(), subject: Type.String(), status: TicketStatusSchema, priority: TicketPrioritySchema },
  { additionalProperties: false },
);

const ListNotificationsQuery = Type.Object(
  { ...ListQuery, unread: Type.Optional(Type.Boolean({ description: 'Only unread notifications' })) },
  { additionalProperties: false },
);

// Notification ids come from the event sequence: digits only.
const NotificationIdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) }, { additionalProperties: false });

const PreferenceSchema = Type.Object(
  { kind: KindSchema, description: Type.String(), email: Type.Boolean(), inApp: Type.Boolean() },
  { additionalProperties: false },
);
const PreferencesSchema = Type.Object({ items: Type.Array(PreferenceSchema) }, { additionalProperties: false });

const PreferencesBody = Type.Object(
  {
    items: Type.Array(
      Type.Object({ kind: KindSchema, email: Type.Boolean(), inApp: Type.Boolean() }, { additionalProperties: false }),
      { maxItems: NOTIFICATION_KINDS.length },
    ),
  },
  { additionalProperties: false },
);

export const notificationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/notifications',
    {
      schema: {
        tags,
        operationId: 'listNotifications',
        summary: "The caller's notifications, newest first",
        querystring: ListNotificationsQuery,
        response: { 200: listOf(NotificationSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { limit, ...rest } = request.query;
      const page = await readNotifications(ctx, actorOf(request), { ...rest, limit: limit ?? 25 });
      return { items: page.items.map(presentNotification), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/notifications/:id/tickets',
    {
      schema: {
        tags,
        operationId: 'listNotificationTickets',
        summary: 'The tickets behind one of the caller\'s notifications (all of a grouped one), by number; only those the caller may see',
        params: NotificationIdParams,
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: listOf(NotificationTicketSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return readNotificationTickets(ctx, actorOf(request), request.params.id, { limit: limit ?? 25, cursor });
    },
  );

  app.get(
    '/notifications/unread-count',
    {
      schema: {
        tags,
        operationId: 'getUnreadNotificationCount',
        summary: "How many of the caller's notifications are unread",
        response: { 200: Type.Object({ count: Type.Integer() }, { additionalProperties: false }), ...errorResponses },
      },
    },
    async (request) => ({ count: await unreadCount(ctx, actorOf(request)) }),
  );

  app.post(
    '/notifications/read-all',
    {
      config: { limit: 'notificationRead' },
      schema: {
        tags,
        operationId: 'markAllNotificationsRead',
        summary: "Mark all the caller's notifications read",
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await readAll(ctx, actorOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/notifications/:id/read',
    {
      config: { limit: 'notificationRead' },
      schema: {
        tags,
        operationId: 'markNotificationRead',
        summary: 'Mark one notification read',
        params: NotificationIdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await readOne(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/notification-preferences',
    {
      schema: {
        tags,
        operationId: 'getNotificationPreferences',
        summary: 'Which notifications the caller gets, by mail and in the app',
        response: { 200: PreferencesSchema, ...errorResponses },
      },
    },
    async (request) => ({ items: await readPreferences(ctx, actorOf(request)) }),
  );

  app.put(
    '/notification-preferences',
    {
      schema: {
        tags,
        operationId: 'updateNotificationPreferences',
        summary: 'Turn kinds of notifications on or off; kinds not listed keep their setting',
        body: PreferencesBody,
        response: { 200: PreferencesSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => ({ items: await updatePreferences(ctx, actorOf(request), request.body.items) }),
  );
};
