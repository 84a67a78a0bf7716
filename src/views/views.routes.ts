import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, IdParams, literalUnion, Nullable, rateLimitedResponses, Timestamp } from '../http/schemas.js';
import { SORT_ORDERS, TICKET_SORTS } from '../tickets/ticket-sort.js';
import { ViewFiltersSchema } from './view-filters.js';
import type { ViewFields, ViewRow } from './views.repository.js';
import { changeView, createView, listViews, removeView, VIEW_COUNT_CAP, type CountedView } from './views.service.js';

const tags = ['views'];

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', 'x-pattern-message': 'must not be blank' });
const Sort = literalUnion(TICKET_SORTS, { description: 'As GET /api/tickets takes it' });
const Order = literalUnion(SORT_ORDERS);

const ViewSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    filters: ViewFiltersSchema,
    sort: Nullable(Sort),
    order: Nullable(Order),
    shared: Type.Boolean({ description: 'Shared with the whole desk; otherwise the owner’s own' }),
    ownerId: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);

const CountedViewSchema = Type.Object(
  {
    ...ViewSchema.properties,
    count: Nullable(
      Type.Integer({
        description: `Tickets the caller sees through the view now, counted up to ${VIEW_COUNT_CAP} (${VIEW_COUNT_CAP} means at least that many); null when it filters by a tag the caller may not see`,
      }),
    ),
  },
  { additionalProperties: false },
);

const presentView = (row: ViewRow): Static<typeof ViewSchema> => ({
  id: row.id,
  name: row.name,
  filters: row.filters,
  sort: row.sort,
  order: row.sortOrder,
  shared: row.ownerId === null,
  ownerId: row.ownerId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const ViewBodyFields = { name: Name, filters: ViewFiltersSchema, sort: Type.Optional(Nullable(Sort)), order: Type.Optional(Nullable(Order)) };
const CreateViewBody = Type.Object(
  { ...ViewBodyFields, shared: Type.Optional(Type.Boolean({ description: 'Needs views.manage' })) },
  { additionalProperties: false },
);
const UpdateViewBody = Type.Partial(Type.Object(ViewBodyFields), { additionalProperties: false, minProperties: 1 });

/** The API's `order` is kept as `sortOrder`. */
const fieldsOf = ({ order, ...rest }: Partial<Static<typeof UpdateViewBody>>): Partial<ViewFields> => ({
  ...rest,
  ...(order === undefined ? {} : { sortOrder: order }),
});

export const viewRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/views',
    {
      schema: {
        tags,
        operationId: 'listViews',
        summary: "The desk's shared views and the caller's own, each with a live count of its tickets (staff)",
        response: { 200: Type.Object({ items: Type.Array(CountedViewSchema) }, { additionalProperties: false }), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await listViews(ctx, actorOf(request))).map((view: CountedView) => ({ ...presentView(view), count: view.count })),
    }),
  );

  app.post(
    '/views',
    {
      schema: {
        tags,
        operationId: 'createView',
        summary: 'Save a personal view (staff), or a shared one (views.manage)',
        body: CreateViewBody,
        response: { 201: ViewSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const { shared, name, filters, sort, order } = request.body;
      const view = await createView(ctx, actorOf(request), { name, filters, sort: sort ?? null, sortOrder: order ?? null, shared });
      return reply.code(201).send(presentView(view));
    },
  );

  app.patch(
    '/views/:id',
    {
      schema: {
        tags,
        operationId: 'updateView',
        summary: 'Change a view: one’s own, or a shared one (views.manage); filters are replaced whole',
        params: IdParams,
        body: UpdateViewBody,
        response: { 200: ViewSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => presentView(await changeView(ctx, actorOf(request), request.params.id, fieldsOf(request.body))),
  );

  app.delete(
    '/views/:id',
    {
      schema: {
        tags,
        operationId: 'deleteView',
        summary: 'Delete a view: one’s own, or a shared one (views.manage)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await removeView(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
