import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, IdParams, literalUnion, Nullable, rateLimitedResponses, Timestamp } from '../http/schemas.js';
import type { TicketRow } from '../tickets/tickets.repository.js';
import { CsvQuery, jsonOrCsv, sendCsv } from '../reports/reports.routes.js';
import { RATINGS } from './rating.js';
import { satisfactionCsv, satisfactionReport } from './satisfaction-report.js';
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

const CsatFigures = {
  asked: Type.Integer({ description: 'Satisfaction requests made (tickets resolved for the first time)' }),
  answered: Type.Integer(),
  good: Type.Integer(),
  bad: Type.Integer(),
  score: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'good ÷ answered; null when none answered' })),
  responseRate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'answered ÷ asked; null when none asked' })),
};

const SatisfactionSchema = Type.Object(
  {
    total: Type.Object(CsatFigures, { additionalProperties: false }),
    days: Type.Array(Type.Object({ date: Type.String(), ...CsatFigures }, { additionalProperties: false })),
    agents: Type.Array(
      Type.Object({ agentId: Nullable(Type.String()), name: Nullable(Type.String()), ...CsatFigures }, { additionalProperties: false }),
    ),
    teams: Type.Array(
      Type.Object({ teamId: Nullable(Type.String()), name: Nullable(Type.String()), ...CsatFigures }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

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

  app.get(
    '/reports/satisfaction',
    {
      config: { limit: 'report' },
      schema: {
        tags: ['reports'],
        operationId: 'getSatisfactionReport',
        summary:
          'Customer satisfaction of the requests asked in the range: in total, per day, per agent and per team credited (the assignee and team when resolved) (reports.read)',
        querystring: CsvQuery,
        response: { 200: jsonOrCsv(SatisfactionSchema), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const report = await satisfactionReport(ctx, actorOf(request), range);
      if (format === 'csv') return sendCsv(reply, 'satisfaction', satisfactionCsv(report));
      return reply.type('application/json').send(report);
    },
  );
};
