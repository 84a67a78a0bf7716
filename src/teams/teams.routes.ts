import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, IdParams, ListQuery, listOf, rateLimitedResponses } from '../http/schemas.js';
import {
  CreateRoutingRuleBody,
  CreateTeamBody,
  MemberParams,
  RoutingRuleSchema,
  TeamSchema,
  TopicsSchema,
  UpdateTeamBody,
} from './teams.presenter.js';
import {
  addTeamMember,
  changeTeam,
  createRoutingRule,
  createTeam,
  getTeam,
  listRoutingRules,
  listTeamsFor,
  listTopics,
  removeRoutingRule,
  removeTeam,
  removeTeamMember,
} from './teams.service.js';

const tags = ['teams'];

export const teamRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/teams',
    {
      schema: {
        tags,
        operationId: 'listTeams',
        summary: 'Teams by name, with their members (teams.manage or tickets.read.all)',
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: listOf(TeamSchema), ...errorResponses },
      },
    },
    async (request) => listTeamsFor(ctx, actorOf(request), request.query),
  );

  app.post(
    '/teams',
    {
      schema: {
        tags,
        operationId: 'createTeam',
        summary: 'Create a team; a name is unique regardless of case (teams.manage)',
        body: CreateTeamBody,
        response: { 201: TeamSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createTeam(ctx, actorOf(request), request.body)),
  );

  app.get(
    '/teams/:id',
    {
      schema: {
        tags,
        operationId: 'getTeam',
        summary: 'A team with its members (teams.manage or tickets.read.all)',
        params: IdParams,
        response: { 200: TeamSchema, ...errorResponses },
      },
    },
    async (request) => getTeam(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/teams/:id',
    {
      schema: {
        tags,
        operationId: 'updateTeam',
        summary: 'Rename a team or change its settings; making it the default unsets the previous one (teams.manage)',
        params: IdParams,
        body: UpdateTeamBody,
        response: { 200: TeamSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => changeTeam(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/teams/:id',
    {
      schema: {
        tags,
        operationId: 'deleteTeam',
        summary: 'Delete a team: its tickets stay, of no team; its routing rules go (teams.manage)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await removeTeam(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/teams/:id/members/:userId',
    {
      schema: {
        tags,
        operationId: 'addTeamMember',
        summary: 'Put an active agent or manager in the team; already a member is a no-op (teams.manage)',
        params: MemberParams,
        response: { 200: TeamSchema, ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => addTeamMember(ctx, actorOf(request), request.params.id, request.params.userId),
  );

  app.delete(
    '/teams/:id/members/:userId',
    {
      schema: {
        tags,
        operationId: 'removeTeamMember',
        summary: 'Take someone out of the team (teams.manage)',
        params: MemberParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await removeTeamMember(ctx, actorOf(request), request.params.id, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/routing-rules',
    {
      schema: {
        tags,
        operationId: 'listRoutingRules',
        summary: 'Which team a new ticket goes to, in the order rules are tried; no match: the default team (teams.manage)',
        response: { 200: Type.Object({ items: Type.Array(RoutingRuleSchema) }, { additionalProperties: false }), ...errorResponses },
      },
    },
    async (request) => listRoutingRules(ctx, actorOf(request)),
  );

  app.post(
    '/routing-rules',
    {
      schema: {
        tags,
        operationId: 'createRoutingRule',
        summary: 'Add a routing rule, tried after the existing ones (teams.manage)',
        body: CreateRoutingRuleBody,
        response: { 201: RoutingRuleSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createRoutingRule(ctx, actorOf(request), request.body)),
  );

  app.delete(
    '/routing-rules/:id',
    {
      schema: {
        tags,
        operationId: 'deleteRoutingRule',
        summary: 'Delete a routing rule (teams.manage)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await removeRoutingRule(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/ticket-topics',
    {
      schema: {
        tags,
        operationId: 'listTicketTopics',
        summary: "The topics a new ticket's form offers; the chosen one routes it to a team (tickets.create)",
        response: { 200: TopicsSchema, ...errorResponses },
      },
    },
    async (request) => listTopics(ctx, actorOf(request)),
  );
};
