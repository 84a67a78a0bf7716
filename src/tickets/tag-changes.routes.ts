import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, rateLimitedResponses } from '../http/schemas.js';
import { TagInput } from '../tags/tag-names.js';
import { changeTag, MAX_TICKETS_PER_TAG_CHANGE } from './tag-changes.service.js';

/** Renaming or deleting a tag changes every ticket that carries it: a ticket change, made here. */
const TagParams = Type.Object({ name: TagInput }, { additionalProperties: false });
const RenameTagBody = Type.Object(
  { name: { ...TagInput, description: 'The new name; a tag in use already takes the tickets over (a merge)' } },
  { additionalProperties: false },
);
const TagChangeSchema = Type.Object(
  {
    name: Type.Union([Type.String(), Type.Null()], { description: 'The tag the tickets carry now; null after a delete' }),
    tickets: Type.Integer({ description: 'Tickets changed, each with a ticket.tags_changed event in its history' }),
  },
  { additionalProperties: false },
);
const changeLimits =
  `Applies to every ticket the caller sees that carries the tag, at most ${MAX_TICKETS_PER_TAG_CHANGE} (else 409 too_many_tagged), ` +
  'in one transaction. Needs tickets.note and macros.manage; 404 when no ticket the caller sees carries it';

export const tagChangeRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.patch(
    '/tags/:name',
    {
      schema: {
        tags: ['tickets'],
        operationId: 'renameTag',
        summary: 'Rename a tag, or merge it into another',
        description: changeLimits,
        params: TagParams,
        body: RenameTagBody,
        response: { 200: TagChangeSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => changeTag(ctx, actorOf(request), request.params.name, request.body.name),
  );

  app.delete(
    '/tags/:name',
    {
      schema: {
        tags: ['tickets'],
        operationId: 'deleteTag',
        summary: 'Take a tag off every ticket',
        description: changeLimits,
        params: TagParams,
        response: { 200: TagChangeSchema, ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => changeTag(ctx, actorOf(request), request.params.name, null),
  );
};
