import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { claimsOf } from '../auth/authenticate.js';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, IdParams, listOf, rateLimitedResponses, staleVersionResponses } from '../http/schemas.js';
import { versionsFromIfMatch, ticketEtag } from './ticket-etag.js';
import { listTicketHistory, listTicketMessages, postMessage } from './ticket-messages.service.js';
import {
  MessageSchema,
  presentMessage,
  presentTicket,
  presentTicketEvent,
  TicketEventSchema,
  TicketSchema,
  ticketPresenter,
} from './tickets.presenter.js';
import {
  CreateTicketBody,
  ListTicketsQuery,
  parseStatusList,
  PostMessageBody,
  UpdateTicketBody,
  UpdateTicketHeaders,
} from './tickets.requests.js';
import { createTicket, getTicketOfCaller, listTickets, updateTicket } from './tickets.service.js';

const tags = ['tickets'];
const EtagHeader = { ETag: Type.String({ description: 'Send it back as If-Match to PATCH safely' }) };
const itemsOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item) }, { additionalProperties: false });

export const ticketRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/tickets',
    {
      // Tighter than other writes: each new ticket mails a receipt and alerts the staff.
      config: { limit: 'ticketOpen' },
      schema: {
        tags,
        operationId: 'createTicket',
        summary: 'Open a ticket',
        body: CreateTicketBody,
        response: { 201: TicketSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const ticket = await createTicket(ctx, actor, request.body);
      return reply
        .code(201)
        .header('etag', ticketEtag(ticket.version))
        .send(presentTicket(ticket, actor, ctx.now(), ticket.attachments));
    },
  );

  app.get(
    '/tickets',
    {
      // A full-text search (`q`) costs far more than a page of the queue: it has a budget.
      config: { limit: 'search' },
      schema: {
        tags,
        operationId: 'listTickets',
        summary: 'The ticket queue, newest first',
        querystring: ListTicketsQuery,
        response: { 200: listOf(TicketSchema), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => {
      const { status, limit, ...filters } = request.query;
      const actor = actorOf(request);
      const page = await listTickets(ctx, actor, { ...filters, statuses: parseStatusList(status), limit: limit ?? 25 });
      return { items: page.items.map(ticketPresenter(actor, ctx.now())), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/tickets/:id',
    {
      config: { sessionInQuery: true },
      schema: {
        tags,
        operationId: 'getTicket',
        summary: 'One ticket, with its ETag',
        params: IdParams,
        response: { 200: { ...TicketSchema, headers: EtagHeader }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { actor, ticket } = await getTicketOfCaller(ctx, claimsOf(request), request.params.id);
      request.actor = actor;
      return reply.header('etag', ticketEtag(ticket.version)).send(presentTicket(ticket, actor, ctx.now(), ticket.attachments));
    },
  );

  app.patch(
    '/tickets/:id',
    {
      schema: {
        tags,
        operationId: 'updateTicket',
        summary: 'Change status, priority or assignee',
        params: IdParams,
        headers: UpdateTicketHeaders,
        body: UpdateTicketBody,
        response: { 200: { ...TicketSchema, headers: EtagHeader }, ...errorResponses, ...bodyErrorResponses, ...staleVersionResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const versions = versionsFromIfMatch(request.headers['if-match']);
      const actor = actorOf(request);
      const ticket = await updateTicket(ctx, actor, request.params.id, request.body, versions);
      return reply.header('etag', ticketEtag(ticket.version)).send(presentTicket(ticket, actor, ctx.now()));
    },
  );

  app.post(
    '/tickets/:id/messages',
    {
      schema: {
        tags,
        operationId: 'createTicketMessage',
        summary: 'Add a public message or an internal note',
        params: IdParams,
        body: PostMessageBody,
        response: { 201: MessageSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const message = await postMessage(ctx, actorOf(request), request.params.id, request.body);
      return reply.code(201).send(presentMessage(message));
    },
  );

  app.get(
    '/tickets/:id/messages',
    {
      schema: {
        tags,
        operationId: 'listTicketMessages',
        summary: 'The conversation, oldest first',
        params: IdParams,
        response: { 200: itemsOf(MessageSchema), ...errorResponses },
      },
    },
    async (request) => {
      const messages = await listTicketMessages(ctx, actorOf(request), request.params.id);
      return { items: messages.map(presentMessage) };
    },
  );

  app.get(
    '/tickets/:id/events',
    {
      schema: {
        tags,
        operationId: 'listTicketEvents',
        summary: 'The history of the ticket, oldest first',
        params: IdParams,
        response: { 200: itemsOf(TicketEventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const events = await listTicketHistory(ctx, actorOf(request), request.params.id);
      return { items: events.map(presentTicketEvent) };
    },
  );
};
