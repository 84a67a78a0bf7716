import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../auth/authenticate.js';
import type { AppContext } from '../context.js';
import { errorResponses, ListQuery, listOf, Nullable, Timestamp } from '../http/schemas.js';
import { readAuditLog } from './audit.service.js';

const AuditEntry = Type.Object(
  {
    id: Type.String(),
    actorId: Nullable(Type.String()),
    action: Type.String(),
    targetType: Type.String(),
    targetId: Type.String(),
    details: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

export const auditRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/audit-log',
    {
      schema: {
        tags: ['users'],
        operationId: 'listAuditLog',
        summary: 'Administrative actions, newest first (needs audit.read; managers by default)',
        querystring: Type.Object(ListQuery, { additionalProperties: false }),
        response: { 200: listOf(AuditEntry), ...errorResponses },
      },
    },
    async (request) => readAuditLog(ctx, actorOf(request), request.query),
  );
};
