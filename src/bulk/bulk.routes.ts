import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, rateLimitedResponses } from '../http/schemas.js';
import { bulkUpdate } from './bulk.service.js';
import { TicketSchema, ticketPresenter } from '../tickets/tickets.presenter.js';
import { UpdateTicketBody } from '../tickets/tickets.requests.js';

const BulkBody = Type.Object(
  {
    ids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 100, uniqueItems: true }),
    changes: Type.Object(
      {
        ...UpdateTicketBody.properties,
        macroId: Type.Optional(Type.String({ format: 'uuid', description: "A macro whose changes are made too; the request's own fields win" })),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);

const BulkResultSchema = Type.Union([
  Type.Object({ id: Type.String(), ok: Type.Literal(true), ticket: TicketSchema }, { additionalProperties: false }),
  Type.Object(
    {
      id: Type.String(),
      ok: Type.Literal(false),
      error: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
    },
    { additionalProperties: false },
  ),
]);

export const bulkRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/tickets/bulk',
    {
      schema: {
        tags: ['tickets'],
        operationId: 'bulkUpdateTickets',
        summary:
          'Change up to 100 tickets at once: each exactly as its own PATCH (permissions, status machine, history, stream), ' +
          'all of it or none of it per ticket; a ticket the caller may not see is `ticket_not_found`',
        body: BulkBody,
        response: {
          200: Type.Object({ results: Type.Array(BulkResultSchema, { description: 'One per id, in the order given' }) }, { additionalProperties: false }),
          ...errorResponses,
          ...bodyErrorResponses,
          ...rateLimitedResponses,
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const results = await bulkUpdate(ctx, actor, request.body.ids, request.body.changes);
      const present = ticketPresenter(actor, ctx.now());
      return { results: results.map((result) => (result.ok ? { ...result, ticket: present(result.ticket) } : result)) };
    },
  );
};
