import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { unsupportedMediaType } from '../http/errors.js';
import { errorResponses, IdParams, ListQuery, listOf, literalUnion, Nullable, rateLimitedResponses, rawMailErrorResponses, Timestamp } from '../http/schemas.js';
import { INBOUND_STATUSES } from './inbound.schema.js';
import { discardFailedInbound, readFailedInbound, retryInbound, takePushedMail } from './inbound.service.js';

const tags = ['inbound'];

const FailedInbound = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    status: literalUnion(['failed', 'held'] as const, { description: 'held: over the sender’s hourly cap, waiting to be released' }),
    reason: Nullable(Type.String({ description: 'A stable code, e.g. too_large, no_sender, staff_without_ticket, sender_over_hourly_cap' })),
    error: Nullable(Type.String()),
    from: Nullable(Type.String()),
    subject: Nullable(Type.String()),
    mailboxId: Nullable(Type.String({ format: 'uuid' })),
    messageId: Nullable(Type.String()),
    size: Type.Integer({ description: 'Bytes of the raw mail' }),
    receivedAt: Timestamp,
  },
  { additionalProperties: false },
);

const IntakeAnswer = Type.Object(
  {
    id: Nullable(Type.String({ format: 'uuid', description: 'The intake record; null for a duplicate' })),
    status: literalUnion([...INBOUND_STATUSES, 'duplicate'] as const),
    ticketId: Nullable(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

const RetryAnswer = Type.Object(
  { id: Type.String({ format: 'uuid' }), status: literalUnion(INBOUND_STATUSES), reason: Nullable(Type.String()), ticketId: Nullable(Type.String({ format: 'uuid' })) },
  { additionalProperties: false },
);

export const inboundRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const bodyLimit = ctx.config.inbound.maxBytes;
  // Only this plugin's routes take raw mail; every other route stays JSON-only.
  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  app.post(
    '/inbound/email',
    {
      bodyLimit,
      config: { public: true },
      // The body is the mail's bytes, checked by the handler; the schema only documents it.
      validatorCompiler: () => () => true,
      schema: {
        tags,
        operationId: 'pushInboundEmail',
        summary: 'Take in one mail pushed by a provider (message/rfc822; Authorization: Bearer <mailbox push secret>)',
        description: 'Fed to the same intake as polled mail: stored raw, then placed. A mail taken before (same Message-ID) answers `duplicate`.',
        security: [],
        consumes: ['message/rfc822'],
        body: Type.String({ format: 'binary', description: 'The mail, RFC 822 bytes as received' }),
        response: { 202: IntakeAnswer, ...errorResponses, ...rawMailErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      // Any other type the app parses (JSON) arrives as something else than bytes.
      if (!Buffer.isBuffer(request.body)) throw unsupportedMediaType('Send the mail as message/rfc822');
      const result = await takePushedMail(ctx, request.headers.authorization, request.body);
      const answer = result.duplicate ? { id: null, status: 'duplicate' as const, ticketId: null } : result;
      return reply.code(202).send(answer);
    },
  );

  app.get(
    '/inbound/failed',
    {
      schema: {
        tags,
        operationId: 'listFailedInbound',
        summary: 'Mail that could not be placed, and mail held over a sender’s hourly cap, newest first (needs mail.manage)',
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: listOf(FailedInbound), ...errorResponses },
      },
    },
    async (request) => readFailedInbound(ctx, actorOf(request), request.query),
  );

  app.post(
    '/inbound/failed/:id/retry',
    {
      schema: {
        tags,
        operationId: 'retryInbound',
        summary: 'Place a failed mail again, or release a held one (needs mail.manage)',
        params: IdParams,
        response: { 200: RetryAnswer, ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => retryInbound(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/inbound/failed/:id/discard',
    {
      schema: {
        tags,
        operationId: 'discardInbound',
        summary: 'Drop a failed or held mail from the list; its record stays (needs mail.manage)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await discardFailedInbound(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
