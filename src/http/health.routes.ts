import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { headersTooLargeResponse } from './schemas.js';

const Status = Type.Object({ status: Type.String() });
// Probes carry no token.
const health = { tags: ['health'], security: [] };

export const healthRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: { ...health, operationId: 'getHealth', summary: 'Process is alive', response: { 200: Status, ...headersTooLargeResponse } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      config: { public: true },
      schema: {
        ...health,
        operationId: 'getReadiness',
        summary: 'Database answers',
        response: { 200: Status, 503: Status, ...headersTooLargeResponse },
      },
    },
    async (_request, reply) => {
      try {
        await ctx.database.ping();
        return { status: 'ready' };
      } catch {
        return reply.code(503).send({ status: 'database unavailable' });
      }
    },
  );
};
