import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, IdParams, literalUnion, rateLimitedResponses } from '../http/schemas.js';
import { PRESENCE_STATES } from '../realtime/presence-notice.js';
import { announcePresence, PRESENCE_TTL_MS } from './presence.service.js';

const PresenceBody = Type.Object({ state: literalUnion(PRESENCE_STATES) }, { additionalProperties: false });

export const presenceRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/tickets/:id/presence',
    {
      schema: {
        tags: ['stream'],
        operationId: 'announcePresence',
        summary:
          'Say that the caller is viewing or typing on a ticket, or has left it (staff). The other staff who see the ticket ' +
          'get a `presence` event on the stream (`{ ticketId, userId, name, state, expiresAt }`, no id, not replayed), ' +
          `across processes; it holds ${PRESENCE_TTL_MS.viewing / 1000} s for viewing and ${PRESENCE_TTL_MS.typing / 1000} s for typing unless repeated. ` +
          'Customers neither announce nor receive presence',
        params: IdParams,
        body: PresenceBody,
        response: { 204: Type.Null(), ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await announcePresence(ctx, actorOf(request), request.params.id, request.body.state);
      return reply.code(204).send(null);
    },
  );
};
