import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, IdParams, ListQuery, listOf, rateLimitedResponses } from '../http/schemas.js';
import { CreateRuleBody, RuleSchema, UpdateRuleBody } from './escalation-rule.js';
import {
  createEscalationRule,
  deleteEscalationRule,
  listEscalationRules,
  runEscalationFor,
  updateEscalationRule,
} from './escalation.service.js';

const tags = ['escalation'];

export const escalationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/escalation-rules',
    {
      schema: {
        tags,
        operationId: 'listEscalationRules',
        summary: 'Escalation rules in evaluation order (escalation.manage)',
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: listOf(RuleSchema), ...errorResponses },
      },
    },
    async (request) => listEscalationRules(ctx, actorOf(request), request.query),
  );

  app.post(
    '/escalation-rules',
    {
      schema: {
        tags,
        operationId: 'createEscalationRule',
        summary: 'Create a rule; it acts at most once on each ticket it matches (escalation.manage)',
        body: CreateRuleBody,
        response: { 201: RuleSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createEscalationRule(ctx, actorOf(request), request.body)),
  );

  app.post(
    '/escalation-rules/run',
    {
      schema: {
        tags,
        operationId: 'runEscalationRules',
        summary: 'Check SLA targets and evaluate every enabled rule now (escalation.manage)',
        response: {
          200: Type.Object({ applied: Type.Integer({ description: 'Rule actions taken, one per rule and ticket' }) }, { additionalProperties: false }),
          ...errorResponses,
          ...rateLimitedResponses,
        },
      },
    },
    async (request) => runEscalationFor(ctx, actorOf(request)),
  );

  app.patch(
    '/escalation-rules/:id',
    {
      schema: {
        tags,
        operationId: 'updateEscalationRule',
        summary: 'Change a rule; conditions and actions are replaced whole (escalation.manage)',
        params: IdParams,
        body: UpdateRuleBody,
        response: { 200: RuleSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => updateEscalationRule(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/escalation-rules/:id',
    {
      schema: {
        tags,
        operationId: 'deleteEscalationRule',
        summary: 'Delete a rule (escalation.manage)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await deleteEscalationRule(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
