import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import type { AppContext } from '../context.js';
import { bodyErrorResponses, errorResponses, rateLimitedResponses } from '../http/schemas.js';
import { TicketPrioritySchema } from '../tickets/ticket-status-schemas.js';
import { getBusinessHours, listSlaPolicies, setBusinessHours, updateSlaPolicy } from './sla.service.js';

const tags = ['sla'];

/** Up to a year: longer targets are typing mistakes. */
const TargetMinutes = Type.Integer({ minimum: 1, maximum: 525_600 });

const SlaPolicySchema = Type.Object(
  { priority: TicketPrioritySchema, firstResponseMinutes: Type.Integer(), resolutionMinutes: Type.Integer() },
  { additionalProperties: false },
);

const WorkingHoursSchema = Type.Object(
  {
    day: Type.Integer({ minimum: 0, maximum: 6, description: '0 = Sunday … 6 = Saturday' }),
    start: Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM, wall time in the calendar zone' }),
    end: Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM after start; 24:00 is midnight' }),
  },
  { additionalProperties: false },
);

const CalendarSchema = Type.Object(
  {
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
    days: Type.Array(WorkingHoursSchema, { minItems: 1, maxItems: 7 }),
    holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 1000 }),
  },
  { additionalProperties: false },
);

const NullableCalendar = Type.Union([CalendarSchema, Type.Null()], {
  description: 'null: no calendar, SLA clocks count every minute',
});

export const slaRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/sla-policies',
    {
      schema: {
        tags,
        operationId: 'listSlaPolicies',
        summary: 'SLA targets per priority (escalation.manage)',
        response: { 200: Type.Array(SlaPolicySchema), ...errorResponses },
      },
    },
    async (request) => listSlaPolicies(ctx, actorOf(request)),
  );

  app.put(
    '/sla-policies/:priority',
    {
      schema: {
        tags,
        operationId: 'updateSlaPolicy',
        summary: 'Set the SLA targets of a priority; applies to due dates computed from now on (escalation.manage)',
        params: Type.Object({ priority: TicketPrioritySchema }, { additionalProperties: false }),
        body: Type.Object(
          { firstResponseMinutes: TargetMinutes, resolutionMinutes: TargetMinutes },
          { additionalProperties: false },
        ),
        response: { 200: SlaPolicySchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => updateSlaPolicy(ctx, actorOf(request), request.params.priority, request.body),
  );

  app.get(
    '/business-hours',
    {
      schema: {
        tags,
        operationId: 'getBusinessHours',
        summary: 'The business calendar SLA clocks count in, or null (escalation.manage)',
        response: { 200: NullableCalendar, ...errorResponses },
      },
    },
    async (request) => getBusinessHours(ctx, actorOf(request)),
  );

  app.put(
    '/business-hours',
    {
      schema: {
        tags,
        operationId: 'setBusinessHours',
        summary: 'Set the business calendar, or clear it with null (escalation.manage)',
        body: NullableCalendar,
        response: { 200: NullableCalendar, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => setBusinessHours(ctx, actorOf(request), request.body),
  );
};
