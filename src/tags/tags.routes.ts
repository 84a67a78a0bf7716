import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { errorResponses } from '../http/schemas.js';
import { listTags } from './tags.service.js';

const TagCountSchema = Type.Object(
  { name: Type.String(), count: Type.Integer({ description: 'Tickets the caller sees that carry it' }) },
  { additionalProperties: false },
);

const ListTagsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 50, description: 'Only tags starting with this' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
  },
  { additionalProperties: false },
);

export const tagRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/tags',
    {
      schema: {
        tags: ['tickets'],
        operationId: 'listTags',
        summary: 'Tags in use, the most used first, for autocomplete and reports (needs tickets.note: tags are internal)',
        querystring: ListTagsQuery,
        response: { 200: Type.Object({ items: Type.Array(TagCountSchema) }, { additionalProperties: false }), ...errorResponses },
      },
    },
    async (request) => ({ items: await listTags(ctx, actorOf(request), request.query) }),
  );
};
