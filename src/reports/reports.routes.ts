import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { errorResponses, Nullable, rateLimitedResponses } from '../http/schemas.js';
import { agentsCsv, agentsFor, dailyFor, distributionFor, summaryCsv, summaryFor, tagsCsv, tagsFor, teamsCsv, teamsFor } from './reports.service.js';

const tags = ['reports'];

const Bound = (description: string) =>
  Type.Optional(Type.String({ maxLength: 40, description: `${description}: YYYY-MM-DD (a day in timeZone) or an ISO 8601 timestamp` }));

const RangeQuery = {
  from: Bound('Start, inclusive; default 30 days before to'),
  to: Bound('End, exclusive for a timestamp, the whole day for a date; default the end of today'),
  timeZone: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      // A zone's name, not an offset such as +01:00 (which Intl would take, but knows no DST).
      pattern: '^[A-Za-z][A-Za-z0-9_+/-]*$',
      'x-pattern-message': 'must be an IANA time zone name such as Europe/Berlin',
      description: 'IANA time zone (e.g. Europe/Berlin) whose local midnights bound the days and date bounds; default UTC',
    }),
  ),
  teamId: Type.Optional(Type.String({ format: 'uuid', description: "Only this team's tickets (a reader restricted to teams: one of theirs)" })),
};

export const CsvQuery = Type.Object(
  { ...RangeQuery, format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) },
  { additionalProperties: false },
);
const JsonQuery = Type.Object(RangeQuery, { additionalProperties: false });

const Minutes = Nullable(Type.Number());
const Fraction = Nullable(Type.Number({ minimum: 0, maximum: 1 }));

const SummarySchema = Type.Object(
  {
    created: Type.Integer(),
    resolved: Type.Integer(),
    backlog: Type.Integer({ description: 'Tickets not resolved or closed at the end of the range' }),
    escalated: Type.Integer({ description: 'Tickets an escalation rule acted on or moved to escalated in the range' }),
    firstResponseMinutes: Type.Object({ avg: Minutes, median: Minutes, p90: Minutes }, { additionalProperties: false }),
    resolutionMinutes: Type.Object({ avg: Minutes, median: Minutes, p90: Minutes }, { additionalProperties: false }),
    slaFirstResponseMet: Fraction,
    slaResolutionMet: Fraction,
  },
  { additionalProperties: false },
);

const AgentsSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          agentId: Type.String(),
          name: Type.String(),
          assigned: Type.Integer(),
          resolved: Type.Integer(),
          firstResponseMinutes: Type.Object({ median: Minutes }, { additionalProperties: false }),
          resolutionMinutes: Type.Object({ median: Minutes }, { additionalProperties: false }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const DailySchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { date: Type.String({ description: 'YYYY-MM-DD, a day in the requested time zone' }), created: Type.Integer(), resolved: Type.Integer() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const TeamsSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          teamId: Nullable(Type.String({ description: 'Null: the tickets of no team' })),
          name: Nullable(Type.String()),
          created: Type.Integer(),
          resolved: Type.Integer(),
          firstResponseMinutes: Type.Object({ median: Minutes }, { additionalProperties: false }),
          resolutionMinutes: Type.Object({ median: Minutes }, { additionalProperties: false }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const TagsReportSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          tag: Type.String(),
          created: Type.Integer({ description: 'Tickets created in the range that carry the tag now' }),
          resolved: Type.Integer({ description: 'Tickets finally resolved in the range that carry the tag now' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const DistributionSchema = Type.Object(
  {
    buckets: Type.Array(Type.Object({ label: Type.String(), count: Type.Integer() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

/** JSON, or with ?format=csv the same report as text/csv. */
export const jsonOrCsv = (schema: TSchema) => ({
  content: {
    'application/json': { schema },
    'text/csv': { schema: Type.String({ description: 'The report as CSV with a header row' }) },
  },
});

export function sendCsv(reply: FastifyReply, name: string, body: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body);
}

export const reportRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/reports/summary',
    {
      config: { limit: 'report' },
      schema: {
        tags,
        operationId: 'getSummaryReport',
        summary: 'Volumes, response and resolution times, SLA attainment (reports.read)',
        querystring: CsvQuery,
        response: { 200: jsonOrCsv(SummarySchema), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const summary = await summaryFor(ctx, actorOf(request), range);
      if (format === 'csv') return sendCsv(reply, 'summary', summaryCsv(summary));
      return reply.type('application/json').send(summary);
    },
  );

  app.get(
    '/reports/agents',
    {
      config: { limit: 'report' },
      schema: {
        tags,
        operationId: 'getAgentReport',
        summary: 'Per agent: assigned, resolved, median response and resolution times (reports.read)',
        querystring: CsvQuery,
        response: { 200: jsonOrCsv(AgentsSchema), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const agents = await agentsFor(ctx, actorOf(request), range);
      if (format === 'csv') return sendCsv(reply, 'agents', agentsCsv(agents.items));
      return reply.type('application/json').send(agents);
    },
  );

  app.get(
    '/reports/teams',
    {
      config: { limit: 'report' },
      schema: {
        tags,
        operationId: 'getTeamReport',
        summary: 'Per team (and the tickets of no team): created, resolved, median response and resolution times (reports.read)',
        querystring: CsvQuery,
        response: { 200: jsonOrCsv(TeamsSchema), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const teams = await teamsFor(ctx, actorOf(request), range);
      if (format === 'csv') return sendCsv(reply, 'teams', teamsCsv(teams.items));
      return reply.type('application/json').send(teams);
    },
  );

  app.get(
    '/reports/tags',
    {
      config: { limit: 'report' },
      schema: {
        tags,
        operationId: 'getTagReport',
        summary: 'Per tag: tickets created and resolved in the range, by the tags they carry now (reports.read and tickets.note)',
        querystring: CsvQuery,
        response: { 200: jsonOrCsv(TagsReportSchema), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const report = await tagsFor(ctx, actorOf(request), range);
      if (format === 'csv') return sendCsv(reply, 'tags', tagsCsv(report.items));
      return reply.type('application/json').send(report);
    },
  );

  app.get(
    '/reports/daily',
    {
      config: { limit: 'report' },
      schema: {
        tags,
        operationId: 'getDailyReport',
        summary: 'Tickets created and resolved per day (reports.read)',
        querystring: JsonQuery,
        response: { 200: DailySchema, ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => dailyFor(ctx, actorOf(request), request.query),
  );

  app.get(
    '/reports/resolution-distribution',
    {
      config: { limit: 'report' },
      schema: {
        tags,
        operationId: 'getResolutionDistribution',
        summary: 'Resolved tickets by time to resolution (reports.read)',
        querystring: JsonQuery,
        response: { 200: DistributionSchema, ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => distributionFor(ctx, actorOf(request), request.query),
  );
};
