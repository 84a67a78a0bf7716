import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, Email, errorResponses, PersonName, rateLimitedResponses } from '../http/schemas.js';
import { createCustomer } from './customer-invitation.service.js';

const Requester = Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }, { additionalProperties: false });

/** Beside GET /users/requesters: the customer staff open a ticket for, made when they have no account yet. */
export const customerInvitationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/users/requesters',
    {
      schema: {
        tags: ['users'],
        operationId: 'createRequester',
        summary:
          'Create a customer account to open a ticket for (staff with tickets.create); always a customer, mailed a link to choose a password. ' +
          'An email in use → 409 email_taken',
        body: Type.Object({ email: Email, name: PersonName }, { additionalProperties: false }),
        response: { 201: Requester, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createCustomer(ctx, actorOf(request), request.body)),
  );
};
