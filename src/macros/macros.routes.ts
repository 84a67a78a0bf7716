import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, IdParams, Nullable, rateLimitedResponses, Timestamp } from '../http/schemas.js';
import { presentTicket, TicketSchema } from '../tickets/tickets.presenter.js';
import { MacroActionsSchema } from './macro-actions.js';
import { PLACEHOLDER_NAMES } from './macro-template.js';
import type { MacroRow } from './macros.repository.js';
import { applyMacro, changeMacro, createMacro, listMacros, removeMacro } from './macros.service.js';

const tags = ['macros'];

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', 'x-pattern-message': 'must not be blank' });
const Body = Type.String({
  maxLength: 20_000,
  description: `The reply text; placeholders: ${PLACEHOLDER_NAMES.map((name) => `{{${name}}}`).join(', ')}`,
});

const MacroSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    body: Type.String(),
    actions: MacroActionsSchema,
    shared: Type.Boolean({ description: 'Shared with the whole desk; otherwise the owner’s own' }),
    ownerId: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);

const presentMacro = (row: MacroRow): Static<typeof MacroSchema> => ({
  id: row.id,
  name: row.name,
  body: row.body,
  actions: row.actions,
  shared: row.ownerId === null,
  ownerId: row.ownerId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const CreateMacroBody = Type.Object(
  { name: Name, body: Body, actions: MacroActionsSchema, shared: Type.Optional(Type.Boolean({ description: 'Needs macros.manage' })) },
  { additionalProperties: false },
);
const UpdateMacroBody = Type.Object(
  { name: Type.Optional(Name), body: Type.Optional(Body), actions: Type.Optional(MacroActionsSchema) },
  { additionalProperties: false, minProperties: 1 },
);

export const macroRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/macros',
    {
      schema: {
        tags,
        operationId: 'listMacros',
        summary: "The desk's shared macros and the caller's own, by name (staff)",
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100, description: 'Names containing this' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(MacroSchema) }, { additionalProperties: false }), ...errorResponses },
      },
    },
    async (request) => ({ items: (await listMacros(ctx, actorOf(request), request.query.q)).map(presentMacro) }),
  );

  app.post(
    '/macros',
    {
      schema: {
        tags,
        operationId: 'createMacro',
        summary: 'Create a personal macro (staff), or a shared one (macros.manage)',
        body: CreateMacroBody,
        response: { 201: MacroSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => reply.code(201).send(presentMacro(await createMacro(ctx, actorOf(request), request.body))),
  );

  app.patch(
    '/macros/:id',
    {
      schema: {
        tags,
        operationId: 'updateMacro',
        summary: 'Change a macro: one’s own, or a shared one (macros.manage); actions are replaced whole',
        params: IdParams,
        body: UpdateMacroBody,
        response: { 200: MacroSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => presentMacro(await changeMacro(ctx, actorOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/macros/:id',
    {
      schema: {
        tags,
        operationId: 'deleteMacro',
        summary: 'Delete a macro: one’s own, or a shared one (macros.manage)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await removeMacro(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/tickets/:id/macros/:macroId/apply',
    {
      schema: {
        tags,
        operationId: 'applyMacro',
        summary:
          "Apply a macro: its changes are made as the caller's own PATCH (each checked by its permission, all or none); " +
          'the reply text comes back filled in, for the composer (not sent)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), macroId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ ticket: TicketSchema, body: Type.String() }, { additionalProperties: false }),
          ...errorResponses,
          ...rateLimitedResponses,
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const applied = await applyMacro(ctx, actor, request.params.id, request.params.macroId);
      return { ticket: presentTicket(applied.ticket, actor, ctx.now()), body: applied.body };
    },
  );
};
