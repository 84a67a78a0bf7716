import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { errorResponses, ListQuery, listOf, Nullable, rateLimitedResponses, Timestamp } from '../http/schemas.js';
import { readFailedMails, retryMail } from './mail.service.js';

const FailedMail = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    to: Type.String(),
    subject: Type.String(),
    attempts: Type.Integer(),
    lastError: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

// Outbox ids are bigserial numbers; anything else cannot name a mail.
const MailIdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) }, { additionalProperties: false });

export const mailRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/mail/failed',
    {
      schema: {
        tags: ['mail'],
        operationId: 'listFailedMail',
        summary: 'Mails that could not be delivered after every attempt, newest first (needs mail.manage; managers by default)',
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: listOf(FailedMail), ...errorResponses },
      },
    },
    async (request) => readFailedMails(ctx, actorOf(request), request.query),
  );

  app.post(
    '/mail/:id/retry',
    {
      schema: {
        tags: ['mail'],
        operationId: 'retryMail',
        summary: 'Queue a failed mail again with a fresh set of attempts (needs mail.manage; managers by default)',
        params: MailIdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await retryMail(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
