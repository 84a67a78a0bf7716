import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, IdParams, literalUnion, Nullable, rateLimitedResponses, Timestamp } from '../http/schemas.js';
import type { TicketRow } from '../tickets/tickets.repository.js';
import { RATINGS } from './rating.js';
import { rateByLink, rateTicket, ratingByLink, ratingOfTicket, type RatingView } from './satisfaction.service.js';

const RatingSchema = Type.Object(
  {
    ticketId: Type.String(),
    rating: Nullable(literalUnion(RATINGS, { description: 'Null until answered' })),
    comment: Nullable(Type.String()),
    askedAt: Timestamp,
    answeredAt: Nullable(Timestamp),
    expiresAt: Timestamp,
    open: Type.Boolean({ description: 'It can still be answered or changed: the ticket is not closed and 14 days have not passed' }),
  },
  { additionalProperties: false },
);
type RatingDto = Static<typeof RatingSchema>;

const LinkRatingSchema = Type.Object(
  { ...RatingSchema.properties, ticketNumber: Type.Integer(), subject: Type.String() },
  { additionalProperties: false },
);

const present = (row: RatingView): RatingDto => ({
  ticketId: row.ticketId,
  rating: row.rating,
  comment: row.comment,
  askedAt: row.askedAt.toISOString(),
  answeredAt: row.answeredAt ? row.answeredAt.toISOString() : null,
  expiresAt: row.expiresAt.toISOString(),
  open: row.open,
});

const presentForLink = ({ ticket, rating }: { ticket: TicketRow; rating: RatingView }) => ({
  ...present(rating),
  ticketNumber: ticket.number,
  subject: ticket.subject,
});

const AnswerBody = Type.Object(
  { rating: literalUnion(RATINGS), comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
const Token = Type.String({ minLength: 1, maxLength: 2000, description: "The token of the mailed link (its `token` parameter)" });

export const satisfactionRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/tickets/:id/satisfaction',
    {
      schema: {
        tags: ['tickets'],
        operationId: 'getTicketSatisfaction',
        summary: "The requester's satisfaction rating, asked when the ticket was first resolved (whoever sees the ticket)",
        params: IdParams,
        response: { 200: RatingSchema, ...errorResponses },
      },
    },
    async (request) => present(await ratingOfTicket(ctx, actorOf(request), request.params.id)),
  );

  app.put(
    '/tickets/:id/satisfaction',
    {
      schema: {
        tags: ['tickets'],
        operationId: 'rateTicket',
        summary: 'Answer or change the satisfaction request, good or bad with an optional comment (the requester, while it is open)',
        params: IdParams,
        body: AnswerBody,
        response: { 200: RatingSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => present(await rateTicket(ctx, actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/satisfaction',
    {
      config: { public: true },
      schema: {
        tags: ['tickets'],
        operationId: 'getSatisfactionByLink',
        summary: 'The rating a mailed link is for, without signing in; a tampered, expired or unknown link is 400',
        security: [],
        querystring: Type.Object({ token: Token }, { additionalProperties: false }),
        response: { 200: LinkRatingSchema, ...errorResponses },
      },
    },
    async (request) => presentForLink(await ratingByLink(ctx, request.query.token)),
  );

  app.post(
    '/satisfaction',
    {
      config: { public: true },
      schema: {
        tags: ['tickets'],
        operationId: 'rateByLink',
        summary: "Answer or change the rating of the link's ticket (only that ticket), without signing in; 409 once closed or 14 days old",
        security: [],
        body: Type.Object({ token: Token, ...AnswerBody.properties }, { additionalProperties: false }),
        response: { 200: LinkRatingSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => {
      const { token, ...answer } = request.body;
      return presentForLink(await rateByLink(ctx, token, answer));
    },
  );
};
