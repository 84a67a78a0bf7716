import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, literalUnion, Nullable, rateLimitedResponses } from '../http/schemas.js';
import { listAllPresence, myPresence, releaseTickets, setMyAvailability, setPresence, type PresenceView } from './assignment.service.js';
import { AVAILABILITIES, AWAY_REASONS } from './availability.js';

const tags = ['teams'];

const AvailabilitySchema = literalUnion(AVAILABILITIES, { description: 'Away: automatic assignment passes them over' });

const PresenceSchema = Type.Object(
  {
    userId: Type.String(),
    name: Type.String(),
    availability: AvailabilitySchema,
    effectiveAvailability: literalUnion(AVAILABILITIES, {
      description: 'What automatic assignment goes by now: available agents are away outside the business hours (GET /api/business-hours)',
    }),
    awayReason: Nullable(
      literalUnion(AWAY_REASONS, { description: 'Why effectively away: switched to away, or outside the business hours; null when available' }),
    ),
    maxOpen: Nullable(Type.Integer({ description: 'Automatic assignment gives them no more open tickets than this; null: no limit' })),
    openTickets: Type.Integer({ description: 'Tickets assigned to them and not resolved or closed' }),
  },
  { additionalProperties: false },
);
type PresenceDto = Static<typeof PresenceSchema>;
const present = (row: PresenceView): PresenceDto => ({ ...row });

const UserParams = Type.Object({ userId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const assignmentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/presence/me',
    {
      schema: {
        tags,
        operationId: 'getMyPresence',
        summary: "The caller's availability and capacity (agents and managers)",
        response: { 200: PresenceSchema, ...errorResponses },
      },
    },
    async (request) => present(await myPresence(ctx, actorOf(request))),
  );

  app.put(
    '/presence/me',
    {
      schema: {
        tags,
        operationId: 'setMyAvailability',
        summary: 'Switch between available and away; going away keeps one\'s open tickets (agents and managers)',
        body: Type.Object({ availability: AvailabilitySchema }, { additionalProperties: false }),
        response: { 200: PresenceSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => present(await setMyAvailability(ctx, actorOf(request), request.body.availability)),
  );

  app.get(
    '/presence',
    {
      schema: {
        tags,
        operationId: 'listPresence',
        summary: 'Every active agent and manager with availability, capacity and open tickets (teams.manage)',
        response: { 200: Type.Object({ items: Type.Array(PresenceSchema) }, { additionalProperties: false }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await listAllPresence(ctx, actorOf(request))).items.map(present) }),
  );

  app.patch(
    '/presence/:userId',
    {
      schema: {
        tags,
        operationId: 'setPresence',
        summary: "Set someone's availability or capacity (teams.manage)",
        params: UserParams,
        body: Type.Object(
          { availability: Type.Optional(AvailabilitySchema), maxOpen: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10_000 }))) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PresenceSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => present(await setPresence(ctx, actorOf(request), request.params.userId, request.body)),
  );

  app.post(
    '/presence/:userId/release',
    {
      schema: {
        tags,
        operationId: 'releaseTickets',
        summary: "Hand someone's open tickets back to their teams' queues, unassigned (teams.manage); keeping them is doing nothing",
        params: UserParams,
        response: {
          200: Type.Object({ released: Type.Integer({ description: 'Tickets handed back' }) }, { additionalProperties: false }),
          ...errorResponses,
          ...rateLimitedResponses,
        },
      },
    },
    async (request) => releaseTickets(ctx, actorOf(request), request.params.userId),
  );
};
