import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, Email, errorResponses, IdParams, ListQuery, listOf, rateLimitedResponses, Timestamp } from '../http/schemas.js';
import { changeMailbox, createMailbox, readMailbox, readMailboxes, removeMailbox, testMailbox } from './mailboxes.service.js';

const tags = ['inbound'];

const Host = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$', 'x-pattern-message': 'must be a host name or address' });
const Folder = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001F\\u007F]+$', 'x-pattern-message': 'must be on one line' });

const MailboxFields = {
  address: Email,
  host: Host,
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  tls: Type.Boolean({ description: 'IMAP over TLS (port 993); otherwise STARTTLS is used when the server offers it' }),
  username: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1000, description: 'Stored encrypted; never answered' }),
  folder: Type.Optional(Folder),
  enabled: Type.Optional(Type.Boolean()),
};

const Mailbox = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    address: Type.String({ description: 'The address it receives mail for; reply addresses are made from it' }),
    host: Type.String(),
    port: Type.Integer(),
    tls: Type.Boolean(),
    username: Type.String(),
    folder: Type.String(),
    enabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);

const CreatedMailbox = Type.Composite([
  Mailbox,
  Type.Object({ pushSecret: Type.String({ description: 'For POST /api/inbound/email (Authorization: Bearer); shown this once' }) }),
]);

const ConnectionTest = Type.Object(
  { ok: Type.Boolean(), messages: Type.Optional(Type.Integer()), error: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const mailboxRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/mailboxes',
    {
      schema: {
        tags,
        operationId: 'listMailboxes',
        summary: 'IMAP mailboxes the desk takes mail from, oldest first (needs mail.manage)',
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: listOf(Mailbox), ...errorResponses },
      },
    },
    async (request) => readMailboxes(ctx, actorOf(request), request.query),
  );

  app.post(
    '/mailboxes',
    {
      schema: {
        tags,
        operationId: 'createMailbox',
        summary: 'Add a mailbox; its push secret is answered once (needs mail.manage)',
        body: Type.Object(MailboxFields, { additionalProperties: false }),
        response: { 201: CreatedMailbox, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createMailbox(ctx, actorOf(request), request.body)),
  );

  app.get(
    '/mailboxes/:id',
    {
      schema: {
        tags,
        operationId: 'getMailbox',
        summary: 'One mailbox, without its password (needs mail.manage)',
        params: IdParams,
        response: { 200: Mailbox, ...errorResponses },
      },
    },
    async (request) => readMailbox(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/mailboxes/:id',
    {
      schema: {
        tags,
        operationId: 'updateMailbox',
        summary: 'Change a mailbox; a password given replaces the stored one (needs mail.manage)',
        params: IdParams,
        body: Type.Partial(Type.Object(MailboxFields, { additionalProperties: false }), { minProperties: 1 }),
        response: { 200: Mailbox, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => changeMailbox(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/mailboxes/:id',
    {
      schema: {
        tags,
        operationId: 'deleteMailbox',
        summary: 'Stop taking mail from a mailbox; what it brought stays (needs mail.manage)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await removeMailbox(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/mailboxes/:id/test',
    {
      schema: {
        tags,
        operationId: 'testMailbox',
        summary: 'Log in and open the folder now; answers what went wrong (needs mail.manage)',
        params: IdParams,
        response: { 200: ConnectionTest, ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => testMailbox(ctx, actorOf(request), request.params.id),
  );
};
